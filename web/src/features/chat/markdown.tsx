"use client";

import type { Element, ElementContent } from "hast";
import { memo, type ReactElement } from "react";
import renderMarkdownTree, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { closeMarkdown } from "./close-markdown";
import { CodeBlock } from "./code-block";
import { InsideLink, ReplyImage } from "./reply-image";

function textOf(node: ElementContent): string {
  if (node.type === "text") return node.value;
  if (node.type === "element") return node.children.map(textOf).join("");
  return "";
}

/** A fenced block arrives as <pre><code class="language-x">: take both from the tree. */
function codeOf(pre: Element | undefined): { code: string; language: string | undefined } {
  const codeEl = pre?.children.find(
    (c): c is Element => c.type === "element" && c.tagName === "code",
  );
  const classes = codeEl?.properties.className;
  const language = Array.isArray(classes)
    ? classes
        .map(String)
        .find((c) => c.startsWith("language-"))
        ?.slice("language-".length)
    : undefined;
  return { code: codeEl ? textOf(codeEl).replace(/\n$/, "") : "", language };
}

const components: Components = {
  pre: ({ node }) => <CodeBlock {...codeOf(node)} />,
  a: ({ node: _node, children, ...props }) => (
    <a {...props} target="_blank" rel="noopener noreferrer">
      <InsideLink value>{children}</InsideLink>
    </a>
  ),
  // Images from other hosts are links, never fetched on their own: see ReplyImage.
  img: ({ src, alt }) => <ReplyImage src={src} alt={alt} />,
  table: ({ node: _node, ...props }) => (
    <div className="my-4 overflow-x-auto rounded-xl border">
      <table {...props} />
    </div>
  ),
};

const plugins = [remarkGfm];

/**
 * Parsed trees of recent messages. The virtualized list unmounts rows that scroll away and
 * remounts them when they come back; re-parsing markdown then is what would make fast
 * scrolling janky, so finished messages are parsed once. (react-markdown's `Markdown` is a
 * plain synchronous function without hooks, so its output can be kept.)
 */
const CACHE_SIZE = 400;
const parsed = new Map<string, ReactElement>();

function parse(content: string): ReactElement {
  const hit = parsed.get(content);
  if (hit) {
    // Map order is insertion order: re-insert to mark as recently used.
    parsed.delete(content);
    parsed.set(content, hit);
    return hit;
  }
  const tree = renderMarkdownTree({ children: content, remarkPlugins: plugins, components });
  parsed.set(content, tree);
  if (parsed.size > CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  return tree;
}

/** Assistant markdown (GFM). Raw HTML in model output is not rendered (react-markdown's default). */
const Markdown = memo(function Markdown({
  content,
  streaming = false,
  cutOff = false,
}: {
  content: string;
  /** Text still growing: parse without caching (each frame's text is new). */
  streaming?: boolean;
  /** Text that ended early (a stopped or failed reply): it may stop mid-construct. */
  cutOff?: boolean;
}) {
  // Growing or cut-off text is closed first (see closeMarkdown): no raw `**`, and each block
  // keeps its element as the text grows.
  const source = streaming || cutOff ? closeMarkdown(content) : content;
  const tree = streaming
    ? renderMarkdownTree({ children: source, remarkPlugins: plugins, components })
    : parse(source);
  // `markdown-streaming` puts the progress dot at the end of the last line (globals.css).
  return <div className={streaming ? "markdown markdown-streaming" : "markdown"}>{tree}</div>;
});

export default Markdown;
