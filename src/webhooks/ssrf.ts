/**
 * The SSRF guard of webhooks: a webhook URL is chosen by an API client, and the worker that POSTs
 * to it sits inside our network, so the URL must not reach what the internet cannot (loopback,
 * private and link-local ranges, the cloud metadata address 169.254.169.254, …) unless the
 * operator allows those networks (`WEBHOOK_ALLOW_PRIVATE_NETWORKS`).
 *
 * Checked twice: when a webhook is created or changed (a clear refusal for the client), and at
 * every delivery, where the check runs inside the connection's DNS lookup (`guardedLookup`): the
 * socket connects to exactly the addresses that were checked, so a host that resolves to a public
 * address at the check and to 127.0.0.1 a moment later (DNS rebinding) gains nothing.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { parseNetworkEntry, unmap, type Address } from '../lib/network.js';

/** What an address is, as far as the guard cares. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

/**
 * Ranges ipaddr.js 1.x calls `unicast` that are not public: benchmarking (RFC 2544), the
 * IPv4-compatible IPv6 block (::a.b.c.d, deprecated, still routed to IPv4 by some stacks) and the
 * IPv6 discard prefix.
 */
const EXTRA_RESERVED: readonly [Address, number][] = ['198.18.0.0/15', '::/96', '100::/64'].map((cidr) =>
  ipaddr.parseCIDR(cidr),
);
const SITE_LOCAL = ipaddr.parseCIDR('fec0::/10');

/** The class of an address; IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are classed as IPv4. */
export function classifyAddress(text: string): AddressClass {
  const address = unmap(ipaddr.parse(text));
  const kind = rangeClass(address);
  return kind === 'public' && EXTRA_RESERVED.some((range) => matches(address, range)) ? 'reserved' : kind;
}

function rangeClass(address: Address): AddressClass {
  if (address.kind() === 'ipv4') {
    const range = (address as ipaddr.IPv4).range();
    switch (range) {
      case 'unicast':
        return 'public';
      case 'loopback':
        return 'loopback';
      case 'private':
      case 'carrierGradeNat':
        return 'private';
      case 'linkLocal':
        return 'link-local';
      case 'unspecified':
        return 'unspecified';
      case 'multicast':
      case 'broadcast':
        return 'multicast';
      case 'reserved':
        return 'reserved';
    }
  }
  if (matches(address, SITE_LOCAL)) return 'private';
  const range = (address as ipaddr.IPv6).range();
  switch (range) {
    case 'unicast':
      return 'public';
    case 'loopback':
      return 'loopback';
    case 'uniqueLocal':
      return 'private';
    case 'linkLocal':
      return 'link-local';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
      return 'multicast';
    // Translation prefixes (NAT64, 6to4, Teredo) can embed any IPv4 address, 127.0.0.1 included.
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
    case '6to4':
    case 'teredo':
    case 'reserved':
      return 'reserved';
  }
}

function matches(address: Address, [network, bits]: readonly [Address, number]): boolean {
  if (address.kind() !== network.kind()) return false;
  return address.kind() === 'ipv4'
    ? (address as ipaddr.IPv4).match(network as ipaddr.IPv4, bits)
    : (address as ipaddr.IPv6).match(network as ipaddr.IPv6, bits);
}

export interface NetworkPolicy {
  /** Only `https:` URLs (production). */
  readonly httpsOnly: boolean;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS entries: keywords, CIDRs or addresses. */
  readonly allowNetworks: readonly string[];
}

/** Why a URL or an address was refused; `code` is what the API reports. */
export class WebhookUrlRefusal extends Error {
  override readonly name = 'WebhookUrlRefusal';

  constructor(
    /** INVALID: not a usable URL at all. NOT_ALLOWED: a URL the guard refuses (scheme, address). */
    readonly code: 'INVALID' | 'NOT_ALLOWED',
    message: string,
  ) {
    super(message);
  }
}

/** Node's error code on a connection refused by `guardedLookup`, to tell it from DNS failures. */
export const ADDRESS_REFUSED = 'ERR_WEBHOOK_ADDRESS_REFUSED';

export const MAX_WEBHOOK_URL_LENGTH = 2_048;

export class AddressGuard {
  private readonly allowed: readonly (readonly [Address, number])[];

  constructor(
    readonly policy: NetworkPolicy,
    /** The resolver (tests give one that answers a chosen address). */
    private readonly lookup: typeof dnsLookup = dnsLookup,
  ) {
    this.allowed = policy.allowNetworks.flatMap((entry) => {
      const ranges = parseNetworkEntry(entry);
      if (!ranges) throw new Error(`invalid network "${entry}" (the configuration should have refused it)`);
      return ranges;
    });
  }

  /** Null when the address may be connected to; otherwise why not. */
  refusalOf(text: string): string | null {
    const kind = classifyAddress(text);
    if (kind === 'public') return null;
    // 0.0.0.0 and :: reach the local host; multicast is no endpoint: never, whatever is allowed.
    if (kind === 'unspecified' || kind === 'multicast') return `${text} is a ${kind} address`;
    const address = unmap(ipaddr.parse(text));
    if (this.allowed.some((range) => matches(address, range))) return null;
    return `${text} is a ${kind} address (allow it with WEBHOOK_ALLOW_PRIVATE_NETWORKS)`;
  }

  /**
   * Parse and check a webhook URL: the scheme, no credentials, and, for an IP literal, the
   * address. Host names are checked by `resolve` (creation) and `guardedLookup` (delivery).
   */
  parseUrl(text: string): URL {
    if (text.length > MAX_WEBHOOK_URL_LENGTH)
      throw new WebhookUrlRefusal('INVALID', `the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new WebhookUrlRefusal('INVALID', 'not an absolute URL (https://example.com/hooks/catalog)');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new WebhookUrlRefusal('INVALID', `the URL must start with https:// (not ${url.protocol}//)`);
    if (url.protocol === 'http:' && this.policy.httpsOnly)
      throw new WebhookUrlRefusal('NOT_ALLOWED', 'the URL must use https:// (plain http is refused in production)');
    if (url.username !== '' || url.password !== '')
      throw new WebhookUrlRefusal(
        'INVALID',
        'the URL must not contain credentials; verify X-Catalog-Signature instead',
      );
    const literal = ipLiteralOf(url);
    if (literal !== null) {
      const refusal = this.refusalOf(literal);
      if (refusal !== null) throw new WebhookUrlRefusal('NOT_ALLOWED', refusal);
    }
    return url;
  }

  /**
   * The full check at creation: the URL, then every address its host resolves to (one refused
   * address refuses the URL: the connection could use any of them).
   */
  async checkUrl(text: string, lookup: typeof dnsLookup = this.lookup): Promise<URL> {
    const url = this.parseUrl(text);
    if (ipLiteralOf(url) !== null) return url;
    let addresses: LookupAddress[];
    try {
      addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
        lookup(url.hostname, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
      );
    } catch (error) {
      throw new WebhookUrlRefusal(
        'INVALID',
        `the host ${url.hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'DNS error'})`,
      );
    }
    for (const { address } of addresses) {
      const refusal = this.refusalOf(address);
      if (refusal !== null) throw new WebhookUrlRefusal('NOT_ALLOWED', `${url.hostname} resolves to ${refusal}`);
    }
    return url;
  }

  /**
   * A `lookup` for http(s).request: resolves every address, refuses the connection (error code
   * ADDRESS_REFUSED) when any is not allowed, and hands the socket only checked addresses.
   */
  guardedLookup(lookup: typeof dnsLookup = this.lookup): LookupFunction {
    return (hostname, options, callback) => {
      lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, '', 0);
        const refused = addresses.map((a) => this.refusalOf(a.address)).find((refusal) => refusal !== null);
        if (refused !== undefined || addresses.length === 0) {
          const refusal: NodeJS.ErrnoException = new Error(
            `refused to connect: ${hostname} resolves to ${refused ?? 'no address'}`,
          );
          refusal.code = ADDRESS_REFUSED;
          return callback(refusal, '', 0);
        }
        if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      });
    };
  }
}

/** The URL's host when it is an IP address (`[::1]` without its brackets), else null. */
export function ipLiteralOf(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? null : host;
}
