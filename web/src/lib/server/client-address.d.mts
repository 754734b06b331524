// Types for client-address.mjs (plain JavaScript so that server.mjs runs without a build).
import type { IncomingMessage } from "node:http";

export interface TrustedProxies {
  /** How many entries the setting lists. */
  readonly size: number;
  includes(address: string): boolean;
}

export function markForwardedForRewritten(): void;
export function forwardedForIsRewritten(): boolean;
export function normalizeAddress(value: string | undefined): string | undefined;
export function parseTrustedProxies(setting: string | undefined): TrustedProxies;
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: Pick<TrustedProxies, "includes">,
): string | undefined;
export function rewriteForwardedFor(
  req: IncomingMessage,
  trustedProxies: Pick<TrustedProxies, "includes">,
): void;
