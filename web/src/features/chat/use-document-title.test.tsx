import { renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useDocumentTitle } from "./use-document-title";

describe("useDocumentTitle", () => {
  it("names the tab after the conversation, and puts the page's title back on leaving", () => {
    document.title = "Chat · Parley";
    const { rerender, unmount } = renderHook(({ title }) => useDocumentTitle(title), {
      initialProps: { title: undefined as string | undefined },
    });
    expect(document.title).toBe("Chat · Parley");
    rerender({ title: "Trip to Lisbon" });
    expect(document.title).toBe("Trip to Lisbon · Parley");
    rerender({ title: "Lisbon in May" });
    expect(document.title).toBe("Lisbon in May · Parley");
    unmount();
    expect(document.title).toBe("Chat · Parley");
  });
});
