// @vitest-environment node
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { REFRESH_COOKIE } from "@/lib/auth/shared";
import { config, proxy } from "./proxy";

function request(path: string, signedIn = false, headers: Record<string, string> = {}) {
  return new NextRequest(new URL(path, "http://localhost:3000"), {
    headers: { ...headers, ...(signedIn ? { cookie: `${REFRESH_COOKIE}=token` } : {}) },
  });
}

function visit(path: string, signedIn: boolean) {
  return proxy(request(path, signedIn)).headers.get("location");
}

/** The request headers the proxy hands on to the page (NextResponse.next's encoding). */
function forwardedRequestHeader(response: Response, name: string) {
  return response.headers.get(`x-middleware-request-${name}`);
}

describe("proxy (route guard)", () => {
  it("sends signed-out visitors of protected pages to /login, remembering where they were", () => {
    expect(visit("/dashboard/chat/42?x=1", false)).toBe(
      "http://localhost:3000/login?next=%2Fdashboard%2Fchat%2F42%3Fx%3D1",
    );
    expect(visit("/dashboard", false)).toBe("http://localhost:3000/login?next=%2Fdashboard");
    expect(visit("/explorer", false)).toBe("http://localhost:3000/login?next=%2Fexplorer");
  });

  it("lets signed-out visitors see the public pages", () => {
    expect(visit("/login", false)).toBeNull();
    expect(visit("/register", false)).toBeNull();
    expect(visit("/", false)).toBeNull();
  });

  it("sends signed-in users from the public pages to the chat", () => {
    for (const path of ["/login", "/register", "/"]) {
      expect(visit(path, true)).toBe("http://localhost:3000/dashboard/chat");
    }
  });

  it("lets signed-in users through to protected pages", () => {
    expect(visit("/dashboard/chat", true)).toBeNull();
    expect(visit("/explorer", true)).toBeNull();
  });

  it("leaves pages outside its paths alone", () => {
    for (const path of ["/no-such-page", "/dashboards", "/explorers/x"]) {
      expect(visit(path, false)).toBeNull();
      expect(visit(path, true)).toBeNull();
    }
  });
});

describe("proxy (Content-Security-Policy)", () => {
  it("gives every page a policy with a fresh nonce, on the response and for Next's render", () => {
    const first = proxy(request("/login"));
    const second = proxy(request("/no-such-page"));
    const policy = first.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]{22,})'/.exec(policy)?.[1];
    expect(nonce).toBeDefined();
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
    // Next takes the nonce for its scripts from the request's policy; the layout from x-nonce.
    expect(forwardedRequestHeader(first, "content-security-policy")).toBe(policy);
    expect(forwardedRequestHeader(first, "x-nonce")).toBe(nonce);
  });

  it("overrides a nonce or policy the client sent", () => {
    const response = proxy(
      request("/login", false, {
        "x-nonce": "chosen",
        "content-security-policy": "script-src 'nonce-chosen'",
      }),
    );
    expect(forwardedRequestHeader(response, "x-nonce")).not.toBe("chosen");
    expect(forwardedRequestHeader(response, "content-security-policy")).not.toContain("chosen");
  });

  it("sets the policy on the guard's redirects too", () => {
    const response = proxy(request("/dashboard/chat"));
    expect(response.headers.get("location")).toContain("/login");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("runs for every page but not for built files, images or route handlers", () => {
    const [source] = config.matcher;
    const matches = (path: string) => new RegExp(`^${source}$`).test(path);
    for (const path of ["/", "/login", "/dashboard/chat/1", "/explorer", "/no-such-page"]) {
      expect(matches(path), path).toBe(true);
    }
    for (const path of ["/_next/static/chunks/a.js", "/_next/image", "/api/auth/login"]) {
      expect(matches(path), path).toBe(false);
    }
  });
});
