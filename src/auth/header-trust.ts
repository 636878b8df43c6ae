/**
 * How header mode knows a request came through the authenticating proxy. `x-chat-user` proves
 * nothing by itself: whoever reaches the port can send it. So on anything but a loopback
 * address the operator must name the proof (config `auth.header`):
 *
 * - `proxySecret: { header, value }`: a header the proxy adds to every request it forwards
 *   (and strips from what clients send); compared in constant time.
 * - `trustedProxies: [CIDR, …]`: the TCP peer (the proxy itself, not `X-Forwarded-For`) must
 *   lie in one of these ranges.
 *
 * With both, a request must pass both. A request that fails is `UNAUTHENTICATED` (HTTP 401)
 * before any viewer header is read.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { GatewayError } from '../core/errors.js';

/** Config `auth.header`. */
export interface HeaderTrustConfig {
  /** Header name (case-insensitive) and value (≥ 16 chars) the proxy adds. */
  proxySecret?: { header: string; value: string };
  /** CIDRs (or single addresses) the TCP peer must come from, IPv4 or IPv6. */
  trustedProxies?: string[];
}

/** What the socket says about a request (absent for in-process calls). */
export interface RequestPeer {
  /** The TCP peer's address, e.g. `10.0.0.7` or `::ffff:10.0.0.7`. */
  address?: string;
}

/**
 * The TCP peer of a request served by node:http: yoga's server context carries the
 * `IncomingMessage` as `req` (absent for in-process `yoga.fetch` calls).
 */
export function peerOf(req: unknown): RequestPeer {
  return { address: (req as { socket?: { remoteAddress?: string } } | undefined)?.socket?.remoteAddress };
}

/**
 * Builds the check for one config. Returns undefined when nothing is configured (loopback
 * only; config validation refuses that elsewhere).
 * @returns a function that throws GatewayError UNAUTHENTICATED for a request that did not come
 *   through the proxy
 */
export function createProxyCheck(config: HeaderTrustConfig | undefined): ((request: Request, peer?: RequestPeer) => void) | undefined {
  if (!config?.proxySecret && !config?.trustedProxies) return undefined;
  const secret = config.proxySecret;
  const expected = secret ? digest(secret.value) : undefined;
  const ranges = (config.trustedProxies ?? []).map((entry) => {
    const [address, bits] = ipaddr.isValidCIDR(entry) ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), undefined];
    const normal = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
      ? (address as ipaddr.IPv6).toIPv4Address()
      : address;
    const prefix = bits === undefined ? (normal.kind() === 'ipv4' ? 32 : 128) : normal === address ? bits : bits - 96;
    return [normal, prefix] as [ipaddr.IPv4 | ipaddr.IPv6, number];
  });
  const refuse = () => new GatewayError('UNAUTHENTICATED', 'this request did not come through the authenticating proxy');
  return (request, peer) => {
    if (expected && secret) {
      const given = request.headers.get(secret.header);
      // Hashing first makes the comparison constant-time whatever the lengths.
      if (given === null || !timingSafeEqual(digest(given), expected)) throw refuse();
    }
    if (config.trustedProxies) {
      const address = peer?.address;
      if (!address || !ipaddr.isValid(address)) throw refuse();
      const parsed = ipaddr.process(address);
      if (!ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) throw refuse();
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
