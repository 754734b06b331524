import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getAccessToken, logout, refreshSession } from "./session";
import { useAuthStore } from "./store";

const user = { id: "u1", email: "a@example.com", fullName: "A" };

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

describe("auth session", () => {
  beforeEach(() => {
    useAuthStore.setState({ status: "unknown", accessToken: null, expiresAt: 0, user: null });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("shares one refresh between concurrent callers (the API rotates refresh tokens)", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetchMock = vi.fn(async () => {
      await gate;
      return json({ accessToken: "new", expiresIn: 900, user });
    });
    vi.stubGlobal("fetch", fetchMock);

    const calls = [refreshSession(), refreshSession(), getAccessToken()];
    release();
    const [a, b, token] = await Promise.all(calls);

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    expect(token).toBe("new");
    expect(useAuthStore.getState()).toMatchObject({ status: "authenticated", accessToken: "new" });
  });

  it("signs out locally when the refresh cookie is refused", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json({ error: { code: "UNAUTHENTICATED", message: "x" } }, 401)),
    );
    await expect(refreshSession()).resolves.toBeNull();
    expect(useAuthStore.getState().status).toBe("anonymous");
  });

  it("keeps the session on server trouble (it is not a sign-out)", async () => {
    useAuthStore.getState().setSession({ accessToken: "old", expiresAt: 0, user });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json({ error: { code: "API_UNREACHABLE", message: "down" } }, 503)),
    );
    await expect(refreshSession()).rejects.toThrow("down");
    expect(useAuthStore.getState().user).toEqual(user);
  });

  it("uses the in-memory token while it is fresh", async () => {
    useAuthStore
      .getState()
      .setSession({ accessToken: "fresh", expiresAt: Date.now() + 600_000, user });
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    await expect(getAccessToken()).resolves.toBe("fresh");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("logout sends the access token and clears the store even if the API fails", async () => {
    useAuthStore
      .getState()
      .setSession({ accessToken: "fresh", expiresAt: Date.now() + 600_000, user });
    const fetchMock = vi.fn(async () => {
      throw new TypeError("network down");
    });
    vi.stubGlobal("fetch", fetchMock);
    await logout();
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/auth/logout",
      expect.objectContaining({
        headers: expect.objectContaining({ authorization: "Bearer fresh" }),
      }),
    );
    expect(useAuthStore.getState()).toMatchObject({ status: "anonymous", accessToken: null });
  });
});
