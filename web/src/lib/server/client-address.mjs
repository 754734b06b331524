// Which address a request came from, as the web server itself can vouch for it. Plain
// JavaScript, because server.mjs runs it with `node` before anything is compiled.
import { BlockList, isIP } from "node:net";

/**
 * Set by server.mjs once it rewrites X-Forwarded-For on every request. Route handlers
 * forward the header only then: under plain `next start` it is whatever the client sent.
 */
const REWRITTEN = Symbol.for("parley.forwardedForRewritten");

export function markForwardedForRewritten() {
  /** @type {Record<symbol, unknown>} */ (globalThis)[REWRITTEN] = true;
}

export function forwardedForIsRewritten() {
  return /** @type {Record<symbol, unknown>} */ (globalThis)[REWRITTEN] === true;
}

/**
 * An IP address in one canonical spelling (so one client is one key for rate limits), or
 * undefined. Accepts what X-Forwarded-For hops and socket peers look like: an optional
 * port ("203.0.113.7:5123", "[2001:db8::1]:443"), a zone ("fe80::1%eth0"), and IPv4-mapped
 * IPv6 ("::ffff:127.0.0.1"), which becomes plain IPv4.
 * @param {string | undefined} value
 * @returns {string | undefined}
 */
export function normalizeAddress(value) {
  let address = (value ?? "").trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1] ?? "";
  else if (/^[\d.]+:\d{1,5}$/.test(address)) address = address.slice(0, address.indexOf(":"));
  address = address.replace(/%[\w.-]+$/, "");
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return undefined;
  // The URL parser prints IPv6 in its canonical compressed form.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([\da-f]{1,4}):([\da-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const high = parseInt(mapped[1] ?? "0", 16);
  const low = parseInt(mapped[2] ?? "0", 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** @param {string} address a normalized address */
const familyOf = (address) => (isIP(address) === 4 ? "ipv4" : "ipv6");

/**
 * WEB_TRUSTED_PROXIES: comma-separated IPs and CIDRs of the reverse proxies in front of
 * this server. A bad entry throws: a typo must stop the server, not quietly trust nobody.
 * @param {string | undefined} setting
 * @returns {{ size: number, includes: (address: string) => boolean }}
 */
export function parseTrustedProxies(setting) {
  const list = new BlockList();
  let size = 0;
  for (const raw of (setting ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry);
    const address = match && isIP(match[1] ?? "") ? match[1] : undefined;
    const family = address ? isIP(address) : 0;
    const prefix = match?.[2] === undefined ? undefined : Number(match[2]);
    if (!address || (prefix !== undefined && prefix > (family === 4 ? 32 : 128))) {
      throw new Error(`WEB_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR`);
    }
    // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses and back.
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
    size += 1;
  }
  return { size, includes: (address) => size > 0 && list.check(address, familyOf(address)) };
}

/**
 * The client's address: the socket peer, or, when the peer is a trusted proxy, the
 * rightmost X-Forwarded-For hop that is not one (hops further left were written by
 * whoever called that proxy, i.e. possibly the client itself). A malformed hop stops the
 * walk at the nearest proxy vouched for so far. Undefined only when the peer is unknown.
 * @param {string | undefined} peer the socket's remoteAddress
 * @param {string | undefined} forwardedFor the incoming X-Forwarded-For header
 * @param {{ includes: (address: string) => boolean }} trustedProxies
 * @returns {string | undefined}
 */
export function clientAddress(peer, forwardedFor, trustedProxies) {
  let nearest = normalizeAddress(peer);
  if (!nearest || !trustedProxies.includes(nearest)) return nearest;
  const hops = forwardedFor?.trim() ? forwardedFor.split(",") : [];
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = normalizeAddress(hops[i]);
    if (!hop) return nearest;
    if (!trustedProxies.includes(hop)) return hop;
    nearest = hop;
  }
  return nearest;
}

/**
 * Replaces the request's X-Forwarded-For with the one address this server vouches for,
 * before Next.js sees it (Next only fills the header in when it is missing).
 * @param {import("node:http").IncomingMessage} req
 * @param {{ includes: (address: string) => boolean }} trustedProxies
 */
export function rewriteForwardedFor(req, trustedProxies) {
  const header = req.headers["x-forwarded-for"];
  const address = clientAddress(
    req.socket.remoteAddress,
    Array.isArray(header) ? header.join(",") : header,
    trustedProxies,
  );
  if (address) req.headers["x-forwarded-for"] = address;
  else delete req.headers["x-forwarded-for"];
}
