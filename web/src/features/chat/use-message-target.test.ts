import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { LoadStatus } from "./use-conversation";
import { useMessageTarget } from "./use-message-target";

type Props = Parameters<typeof useMessageTarget>[0];

function setup(overrides: Partial<Props> = {}) {
  const loadOlder = vi.fn();
  const showBranch = vi.fn(async () => true);
  const initialProps: Props = {
    targetId: "m1",
    messageIds: ["m9", "m10"],
    status: "ready" as LoadStatus,
    fetching: false,
    hasOlder: false,
    loadOlder,
    showBranch,
    ...overrides,
  };
  const hook = renderHook((props: Props) => useMessageTarget(props), { initialProps });
  return { ...hook, loadOlder, showBranch, initialProps };
}

describe("useMessageTarget", () => {
  it("is found at once when the message is loaded, and asks for nothing", () => {
    const { result, loadOlder, showBranch } = setup({ messageIds: ["m1", "m2"] });
    expect(result.current).toBe("found");
    expect(loadOlder).not.toHaveBeenCalled();
    expect(showBranch).not.toHaveBeenCalled();
  });

  it("loads older pages until the message is among them", () => {
    const { result, rerender, loadOlder, showBranch, initialProps } = setup({ hasOlder: true });
    expect(result.current).toBe("seeking");
    expect(loadOlder).toHaveBeenCalledTimes(1);
    // While a page loads, nothing more is asked for.
    rerender({ ...initialProps, fetching: true });
    expect(loadOlder).toHaveBeenCalledTimes(1);
    rerender({ ...initialProps, messageIds: ["m1", "m9", "m10"], hasOlder: false });
    expect(result.current).toBe("found");
    expect(showBranch).not.toHaveBeenCalled();
  });

  it("shows the branch through the message when the whole branch lacks it", async () => {
    const { result, rerender, showBranch, initialProps } = setup();
    expect(showBranch).toHaveBeenCalledExactlyOnceWith("m1");
    await act(async () => undefined);
    // The list is fetched again for the new branch, which has it.
    rerender({ ...initialProps, fetching: true, messageIds: [] });
    expect(result.current).toBe("seeking");
    rerender({ ...initialProps, messageIds: ["m0", "m1"] });
    expect(result.current).toBe("found");
    expect(showBranch).toHaveBeenCalledTimes(1);
  });

  it("is missing when the branch cannot be shown (the message is gone)", async () => {
    const { result } = setup({ showBranch: vi.fn(async () => false) });
    await waitFor(() => expect(result.current).toBe("missing"));
  });

  it("does nothing without a target or before the conversation loaded", () => {
    expect(setup({ targetId: null }).result.current).toBe("none");
    const { loadOlder, showBranch } = setup({ status: "loading", hasOlder: true });
    expect(loadOlder).not.toHaveBeenCalled();
    expect(showBranch).not.toHaveBeenCalled();
  });
});
