/**
 * Address checks shared by config validation (is a listening host loopback-only, is a trusted
 * proxy entry well formed) and header mode's proxy check (src/auth/header-trust.ts).
 */
import ipaddr from 'ipaddr.js';

/** Whether `host` (a listening address) only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare.toLowerCase() === 'localhost') return true;
  if (!ipaddr.isValid(bare)) return false;
  return ipaddr.process(bare).range() === 'loopback';
}

/** Whether `value` is a CIDR (`10.0.0.0/8`, `fd00::/8`) or a single address. */
export function isCidrOrAddress(value: string): boolean {
  return ipaddr.isValidCIDR(value) || ipaddr.isValid(value);
}
