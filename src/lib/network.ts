/**
 * Networks as operators write them in settings (WEBHOOK_ALLOW_PRIVATE_NETWORKS): a keyword, a CIDR
 * or one address, parsed with ipaddr.js. Read by the configuration (to refuse a bad entry at
 * start) and by the webhooks' SSRF guard (src/webhooks/ssrf.ts).
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Keywords of WEBHOOK_ALLOW_PRIVATE_NETWORKS and the networks each stands for. */
export const NETWORK_KEYWORDS = {
  loopback: ['127.0.0.0/8', '::1/128'],
  // RFC 1918, carrier-grade NAT (RFC 6598), unique local (RFC 4193) and the deprecated site-local.
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fec0::/10'],
  'link-local': ['169.254.0.0/16', 'fe80::/10'],
} as const satisfies Record<string, readonly string[]>;
const ALL_KEYWORD = 'all';

/** One entry of the allow list: a keyword, a CIDR or a single address. Null when invalid. */
export function parseNetworkEntry(entry: string): readonly [Address, number][] | null {
  const text = entry.trim().toLowerCase();
  if (text === ALL_KEYWORD) return Object.values(NETWORK_KEYWORDS).flatMap((cidrs) => cidrs.map(parseCidr));
  if (text in NETWORK_KEYWORDS) return NETWORK_KEYWORDS[text as keyof typeof NETWORK_KEYWORDS].map(parseCidr);
  try {
    if (text.includes('/')) return [unmapRange(ipaddr.parseCIDR(text))];
    if (isIP(text) === 0) return null;
    const address = unmap(ipaddr.parse(text));
    return [[address, address.kind() === 'ipv4' ? 32 : 128]];
  } catch {
    return null;
  }
}

const parseCidr = (cidr: string) => ipaddr.parseCIDR(cidr);

export function unmap(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** `::ffff:10.0.0.0/104` is `10.0.0.0/8`: mapped addresses are compared as IPv4. */
function unmapRange([address, bits]: [Address, number]): [Address, number] {
  const unmapped = unmap(address);
  return unmapped === address ? [address, bits] : [unmapped, Math.max(0, bits - 96)];
}
