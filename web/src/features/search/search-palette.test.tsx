import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeApi, withClient } from "@/test/fake-api";
import { SearchPalette } from "./search-palette";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push }) }));

/*
 * The command palette with the real urql client and cache against a stand-in API: how it
 * opens, what the keyboard does in it, and where a chosen result leads.
 */

const hit = (conversation: string, message: string | null, snippet: string) => ({
  __typename: "SearchHit",
  conversation: { __typename: "Conversation", id: conversation, title: `Chat ${conversation}` },
  message: message
    ? { __typename: "Message", id: message, role: "ASSISTANT", createdAt: "2026-01-01T00:00:00Z" }
    : null,
  snippet,
  highlights: [{ __typename: "TextRange", start: 0, end: 6 }],
});

function searchAnswer(variables: Record<string, unknown>) {
  const hits = [
    hit("c1", "m1", "banana bread"),
    hit("c2", "m2", "banana split"),
    hit("c3", null, "banana title"),
  ];
  return {
    data: {
      search: {
        __typename: "SearchConnection",
        edges: hits.map((node, i) => ({ __typename: "SearchEdge", cursor: `s${i}`, node })),
        pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: "s2" },
        totalCount: variables.query === "banana" ? 3 : 0,
      },
    },
  };
}

async function openPalette() {
  const api = fakeApi({ Search: searchAnswer });
  const user = userEvent.setup();
  render(<SearchPalette />, { wrapper: withClient(api) });
  await user.keyboard("{Control>}k{/Control}");
  const dialog = await screen.findByRole("dialog", { name: "Search" });
  const input = within(dialog).getByRole("combobox", { name: "Search conversations" });
  await waitFor(() => expect(input).toHaveFocus());
  return { api, user, dialog, input };
}

describe("SearchPalette", () => {
  afterEach(() => {
    cleanup();
    push.mockReset();
    vi.unstubAllGlobals();
  });

  it("opens on Ctrl+K and searches once typing pauses", async () => {
    const { api, user, dialog, input } = await openPalette();
    await user.type(input, "banana");
    const list = await within(dialog).findByRole("listbox", { name: "Search results" });
    expect(within(list).getAllByRole("option")).toHaveLength(3);
    // Debounced: six keystrokes, one request.
    expect(api.calls.filter((name) => name === "Search")).toHaveLength(1);
    expect(within(dialog).getByRole("status")).toHaveTextContent("3 matches");
    expect(within(list).getAllByRole("option")[0]!.querySelector("mark")).toHaveTextContent(
      "banana",
    );
  });

  it("moves through results with the arrows (wrapping) and opens one with Enter", async () => {
    const { user, dialog, input } = await openPalette();
    await user.type(input, "banana");
    const list = await within(dialog).findByRole("listbox", { name: "Search results" });
    const options = within(list).getAllByRole("option") as [HTMLElement, HTMLElement, HTMLElement];
    expect(options[0]).toHaveAttribute("aria-selected", "true");
    expect(input).toHaveAttribute("aria-activedescendant", options[0].id);

    await user.keyboard("{ArrowDown}");
    expect(options[1]).toHaveAttribute("aria-selected", "true");
    expect(options[0]).toHaveAttribute("aria-selected", "false");
    expect(input).toHaveAttribute("aria-activedescendant", options[1].id);

    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(options[2]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}");
    expect(options[0]).toHaveAttribute("aria-selected", "true");

    await user.keyboard("{ArrowDown}{Enter}");
    expect(push).toHaveBeenCalledWith("/dashboard/chat/c2?message=m2");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("opens a title match at the conversation itself", async () => {
    const { user, dialog, input } = await openPalette();
    await user.type(input, "banana");
    const list = await within(dialog).findByRole("listbox", { name: "Search results" });
    await user.click(within(list).getAllByRole("option")[2]!);
    expect(push).toHaveBeenCalledWith("/dashboard/chat/c3");
  });

  it("says so when nothing matches, and Escape clears before it closes", async () => {
    const { user, dialog, input } = await openPalette();
    await user.type(input, "kiwi");
    await waitFor(() =>
      expect(within(dialog).getByRole("status")).toHaveTextContent("No matches."),
    );
    await user.keyboard("{Escape}");
    expect(input).toHaveValue("");
    expect(screen.getByRole("dialog", { name: "Search" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });
});
