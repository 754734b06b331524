"use client";

import { useCallback, useEffect, useState } from "react";
import { useQuery } from "urql";
import { SearchDocument, type SearchQuery } from "@/gql/graphql";

/** Results per page: a palette's worth; "Load more" asks for the next. */
export const SEARCH_PAGE_SIZE = 20;
/** Wait this long after the last keystroke before asking the API. */
export const SEARCH_DEBOUNCE_MS = 250;

export type SearchHit = SearchQuery["search"]["edges"][number]["node"];
export type SearchStatus = "idle" | "loading" | "error" | "ready";

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Full-text search as the user types: one request per pause in typing, best match first.
 * Pages come by moving `after` on, and the cache merges them (relayPagination); a new query
 * starts from its first page. Refetched whenever shown, since new messages change results.
 */
export function useSearch(input: string) {
  const text = input.trim();
  const query = useDebounced(text, SEARCH_DEBOUNCE_MS);
  // The cursor belongs to the query it was read from: another query starts again.
  const [page, setPage] = useState<{ query: string; after: string | null }>({
    query: "",
    after: null,
  });
  const after = page.query === query ? page.after : null;
  const [{ data, error, fetching, operation }, reexecute] = useQuery({
    query: SearchDocument,
    variables: { query, first: SEARCH_PAGE_SIZE, after },
    pause: query === "",
    requestPolicy: "cache-and-network",
  });
  // A result for an earlier query can linger while the next one loads: never show it.
  const current = operation?.variables.query === query ? data?.search : undefined;
  const hits = current?.edges.map((edge) => edge.node) ?? [];
  const hasNextPage = current?.pageInfo.hasNextPage ?? false;
  const endCursor = current?.pageInfo.endCursor ?? null;

  let status: SearchStatus = "ready";
  if (text === "") status = "idle";
  else if (text !== query || (fetching && !current)) status = "loading";
  else if (error && !current) status = "error";

  const loadMore = useCallback(() => {
    if (hasNextPage && endCursor && !fetching) setPage({ query, after: endCursor });
  }, [hasNextPage, endCursor, fetching, query]);
  const retry = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);

  return {
    query,
    hits,
    totalCount: current?.totalCount ?? 0,
    status,
    hasNextPage,
    loadingMore: after !== null && fetching,
    loadMore,
    retry,
  };
}

/** Where a hit opens: its conversation, at its message when the match was in one. */
export function hitHref(hit: SearchHit): string {
  const base = `/dashboard/chat/${encodeURIComponent(hit.conversation.id)}`;
  return hit.message ? `${base}?message=${encodeURIComponent(hit.message.id)}` : base;
}
