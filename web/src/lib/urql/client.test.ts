import type { Client as WsClient } from "graphql-ws";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Sink } from "graphql-ws";
import { ConversationEventsDocument, ConversationsDocument } from "@/gql/graphql";
import { useAuthStore } from "@/lib/auth/store";
import { createUrqlClient, shouldRetrySocket } from "./client";

const user = { id: "u1", email: "a@example.com", fullName: "A" };
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("urql client auth", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("refreshes once when several requests fail with UNAUTHENTICATED, then retries them", async () => {
    useAuthStore
      .getState()
      .setSession({ accessToken: "old", expiresAt: Date.now() + 600_000, user });
    let refreshes = 0;
    let rejected = 0;
    const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
      if (url === "/api/auth/refresh") {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return json({ accessToken: `new-${refreshes}`, expiresIn: 900, user });
      }
      const auth = new Headers(init.headers).get("authorization");
      if (auth === "Bearer old") {
        rejected += 1;
        return json({
          data: null,
          errors: [{ message: "expired", extensions: { code: "UNAUTHENTICATED" } }],
        });
      }
      return json({
        data: {
          conversations: {
            __typename: "ConversationConnection",
            edges: [],
            pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null },
          },
        },
      });
    });
    vi.stubGlobal("fetch", fetchMock);

    const client = createUrqlClient(() => ({}) as WsClient, "http://api.test/graphql");
    // Distinct variables, so urql cannot dedupe them into one request.
    const results = await Promise.all(
      [1, 2, 3].map((first) =>
        client
          .query(ConversationsDocument, { first }, { requestPolicy: "network-only" })
          .toPromise(),
      ),
    );

    expect(rejected).toBe(3);
    expect(refreshes).toBe(1);
    for (const result of results) {
      expect(result.error).toBeUndefined();
      expect(result.data?.conversations.edges).toEqual([]);
    }
    expect(useAuthStore.getState().accessToken).toBe("new-1");
  });
});

describe("urql client subscriptions", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("a subscription refused for its token reconnects the socket with the fresh one", async () => {
    useAuthStore
      .getState()
      .setSession({ accessToken: "old", expiresAt: Date.now() + 600_000, user });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json({ accessToken: "new", expiresIn: 900, user })),
    );
    let subscribes = 0;
    let terminated = 0;
    const socket = {
      subscribe(_payload: unknown, sink: Sink) {
        subscribes += 1;
        const first = subscribes === 1;
        queueMicrotask(() => {
          if (first) {
            // What the API sends once the socket's token has expired.
            sink.error([{ message: "expired", extensions: { code: "UNAUTHENTICATED" } }] as never);
          } else {
            sink.next({
              data: { conversationEvents: { __typename: "ConversationDeleted", id: "c1" } },
            } as never);
          }
        });
        return () => undefined;
      },
      terminate: () => {
        terminated += 1;
      },
    } as unknown as WsClient;
    const client = createUrqlClient(() => socket, "http://api.test/graphql");

    const events: unknown[] = [];
    const { unsubscribe } = client
      .subscription(ConversationEventsDocument, {})
      .subscribe((result) => events.push(result.data ?? result.error));
    await vi.waitFor(() => expect(events).toHaveLength(1));
    unsubscribe();

    expect(events[0]).toEqual({
      conversationEvents: { __typename: "ConversationDeleted", id: "c1" },
    });
    expect(subscribes).toBe(2);
    expect(terminated).toBe(1);
    expect(useAuthStore.getState().accessToken).toBe("new");
  });
});

describe("shouldRetrySocket", () => {
  it("never retries a socket the server closed with 4403 (token refused)", () => {
    expect(shouldRetrySocket({ code: 4403, reason: "Forbidden" })).toBe(false);
  });
  it("retries abnormal closes such as a restart", () => {
    expect(shouldRetrySocket({ code: 1006, reason: "" })).toBe(true);
  });
  it("does not retry non-close errors", () => {
    expect(shouldRetrySocket(new Error("boom"))).toBe(false);
  });
});
