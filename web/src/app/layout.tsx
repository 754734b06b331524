import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { ThemeProvider } from "@/components/app/theme-provider";
import { UrqlProvider } from "@/components/app/urql-provider";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Parley", template: "%s · Parley" },
  description: "Chat with AI models over a typed GraphQL API.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#0a0a0a" },
  ],
};

/**
 * Reading the request's nonce (set by src/proxy.ts) renders every page per request, which
 * a nonce-based CSP needs: a page built ahead of time could not carry this response's nonce.
 */
export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // Geist ships in the `geist` package (next/font/local): served from this origin, nothing
    // fetched at build time. Its classes set --font-geist-sans/-mono, used by globals.css.
    <html
      lang="en"
      suppressHydrationWarning
      className={`${GeistSans.variable} ${GeistMono.variable}`}
    >
      <body className="font-sans">
        <ThemeProvider nonce={nonce}>
          <UrqlProvider>{children}</UrqlProvider>
        </ThemeProvider>
      </body>
    </html>
  );
}
