// Types for root-env.mjs (plain JavaScript so server.mjs can run it without a compiler).
export declare const DEFAULT_ENV_FILE: string;
export declare function parseEnv(text: string): Record<string, string>;
export declare function graphqlUrl(env: Record<string, string | undefined>): string;
export declare function loadRootEnv(env?: Record<string, string | undefined>): {
  file: string | null;
  graphqlUrl: string;
};
