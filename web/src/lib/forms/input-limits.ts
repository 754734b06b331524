"use client";

import { useQuery } from "urql";
import { InputLimitsDocument, type InputLimitsQuery } from "@/gql/graphql";

export type InputLimits = InputLimitsQuery["inputLimits"];

/**
 * The API's limits on what users type (settings can change them), fetched once and kept in the
 * cache. Undefined until they arrive: forms then leave lengths to the API, which checks them
 * anyway and names the field at fault. Not fetched while rendering on the server.
 */
export function useInputLimits(): InputLimits | undefined {
  const [{ data }] = useQuery({
    query: InputLimitsDocument,
    requestPolicy: "cache-first",
    pause: typeof window === "undefined",
  });
  return data?.inputLimits;
}
