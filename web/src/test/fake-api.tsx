import type { Client as WsClient, Sink } from "graphql-ws";
import type { ReactNode } from "react";
import { Provider } from "urql";
import { vi } from "vitest";
import { createUrqlClient } from "@/lib/urql/client";

/*
 * The real urql client (Graphcache included) against a stand-in API: tests see what the app
 * would, down to the cache's updaters. Answers must carry `__typename`, as the API's do.
 */

export const FAKE_GRAPHQL_URL = "http://api.test/graphql";

type Variables = Record<string, unknown>;
/** An operation's answer: a GraphQL response body (`{ data }` or `{ errors }`), or its promise. */
export type Answer = (variables: Variables) => unknown;

export interface FakeApi {
  client: ReturnType<typeof createUrqlClient>;
  /** Operation names in the order they reached the API. */
  calls: string[];
  /** Subscriptions in the order they reached the socket, with their variables. */
  subscriptions: { operationName: string; variables: Variables }[];
  /** Events for the next subscription, sent as soon as it starts. */
  stream: (events: unknown[]) => void;
  /** The next subscription is refused with these GraphQL errors instead. */
  refuse: (errors: unknown[]) => void;
  /** The stubbed global fetch: it answers the API, and passes other URLs (/api/auth/*) on. */
  fetch: ReturnType<typeof vi.fn>;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Installs a fetch that answers GraphQL operations by name and passes other URLs to `other`. */
export function fakeApi(
  answers: Record<string, Answer>,
  other: (url: string, init?: RequestInit) => Promise<Response> = async () => json({}, 404),
): FakeApi {
  const calls: string[] = [];
  const subscriptions: FakeApi["subscriptions"] = [];
  let events: unknown[] = [];
  let refusal: unknown[] | null = null;
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    if (url !== FAKE_GRAPHQL_URL) return other(url, init);
    const { operationName, variables } = JSON.parse(String(init?.body)) as {
      operationName: string;
      variables?: Variables;
    };
    calls.push(operationName);
    const answer = answers[operationName];
    if (!answer) throw new Error(`fake API: no answer for ${operationName}`);
    return json(await answer(variables ?? {}));
  });
  vi.stubGlobal("fetch", fetch);

  const socket = {
    subscribe(
      payload: { operationName?: string | null; variables?: Variables | null },
      sink: Sink,
    ) {
      calls.push(payload.operationName ?? "subscription");
      subscriptions.push({
        operationName: payload.operationName ?? "subscription",
        variables: payload.variables ?? {},
      });
      const sent = events;
      const errors = refusal;
      refusal = null;
      // Later, as a socket would: the caller has subscribed by then.
      queueMicrotask(() => {
        if (errors) sink.next({ errors } as never);
        else for (const data of sent) sink.next({ data } as never);
        sink.complete();
      });
      return () => undefined;
    },
  } as unknown as WsClient;

  const client = createUrqlClient(() => socket, FAKE_GRAPHQL_URL);
  return {
    client,
    calls,
    subscriptions,
    fetch,
    stream: (next) => (events = next),
    refuse: (errors) => (refusal = errors),
  };
}

export function withClient(api: FakeApi) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <Provider value={api.client}>{children}</Provider>;
  };
}

/** The API's defaults, as `inputLimits` serves them; tests override what they check. */
export function inputLimits(overrides: Record<string, number> = {}): Answer {
  return () => ({
    data: {
      inputLimits: {
        __typename: "InputLimits",
        messageMaxChars: 32000,
        titleMaxChars: 200,
        systemPromptMaxChars: 8000,
        modelNameMaxChars: 100,
        fullNameMaxChars: 200,
        passwordMinChars: 8,
        passwordMaxBytes: 72,
        ...overrides,
      },
    },
  });
}
