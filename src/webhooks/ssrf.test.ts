import type { LookupAddress } from 'node:dns';
import type { lookup as dnsLookup } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { parseNetworkEntry } from '../lib/network.js';
import { ADDRESS_REFUSED, AddressGuard, classifyAddress, WebhookUrlRefusal } from './ssrf.js';

const guard = (allowNetworks: string[] = [], httpsOnly = false) => new AddressGuard({ httpsOnly, allowNetworks });

/** A resolver that answers every host name with `addresses` (or fails with `code`). */
function fakeLookup(addresses: string[], code?: string): typeof dnsLookup {
  return ((
    _host: string,
    _options: unknown,
    callback: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void,
  ) => {
    if (code) {
      const error: NodeJS.ErrnoException = new Error(code);
      error.code = code;
      return callback(error, []);
    }
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as typeof dnsLookup;
}

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'multicast'],
    ['ff02::1', 'multicast'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    // IPv4 inside IPv6: mapped addresses are their IPv4 address; translation prefixes are refused.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['::7f00:1', 'reserved'],
    ['64:ff9b::7f00:1', 'reserved'],
    ['2002:7f00:1::1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe('the allow list (WEBHOOK_ALLOW_PRIVATE_NETWORKS)', () => {
  it.each([
    [[], '127.0.0.1', false],
    [['loopback'], '127.0.0.1', true],
    [['loopback'], '::1', true],
    [['loopback'], '::ffff:127.0.0.1', true],
    [['loopback'], '10.0.0.1', false],
    [['private'], '10.0.0.1', true],
    [['private'], '100.64.1.1', true],
    [['private'], 'fd00::1', true],
    [['private'], '169.254.169.254', false],
    [['link-local'], '169.254.169.254', true],
    [['all'], '192.168.0.1', true],
    [['all'], 'fe80::1', true],
    [['10.1.0.0/16'], '10.1.200.3', true],
    [['10.1.0.0/16'], '10.2.0.1', false],
    [['::ffff:10.0.0.0/104'], '10.9.9.9', true],
    [['192.0.2.7'], '192.0.2.7', true],
    [['192.0.2.7'], '192.0.2.8', false],
    // Never, whatever is allowed: 0.0.0.0 and :: reach the local host.
    [['all', '0.0.0.0/0'], '0.0.0.0', false],
    [['all', '::/0'], '::', false],
    [['all'], '224.0.0.1', false],
  ])('%j: %s allowed = %s', (allow, address, allowed) => {
    expect(guard(allow).refusalOf(address) === null).toBe(allowed);
  });

  it('names the class and the way to allow it', () => {
    expect(guard().refusalOf('10.0.0.1')).toBe(
      '10.0.0.1 is a private address (allow it with WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
    );
  });

  it.each(['intranet', '10.0.0.0/33', '300.1.1.1', 'fe80::/129', ''])('refuses the entry %j', (entry) => {
    expect(parseNetworkEntry(entry)).toBeNull();
  });
});

describe('AddressGuard.parseUrl', () => {
  const refusal = (url: string, httpsOnly = false) => {
    try {
      guard([], httpsOnly).parseUrl(url);
      return null;
    } catch (error) {
      if (error instanceof WebhookUrlRefusal) return error.code;
      throw error;
    }
  };

  it.each([
    ['https://hooks.example.com/catalog', false, null],
    ['http://hooks.example.com/catalog', false, null],
    ['http://hooks.example.com/catalog', true, 'NOT_ALLOWED'],
    ['https://hooks.example.com/catalog', true, null],
    ['ftp://hooks.example.com/', false, 'INVALID'],
    ['hooks.example.com/catalog', false, 'INVALID'],
    ['https://user:pass@hooks.example.com/', false, 'INVALID'],
    [`https://hooks.example.com/${'a'.repeat(2100)}`, false, 'INVALID'],
    ['http://127.0.0.1:8080/hook', false, 'NOT_ALLOWED'],
    ['http://10.0.0.5/hook', false, 'NOT_ALLOWED'],
    ['http://169.254.169.254/latest/meta-data/', false, 'NOT_ALLOWED'],
    ['http://[::1]/hook', false, 'NOT_ALLOWED'],
    ['http://[::ffff:127.0.0.1]/hook', false, 'NOT_ALLOWED'],
    // The URL parser normalizes the other spellings of 127.0.0.1 first.
    ['http://0x7f.1/hook', false, 'NOT_ALLOWED'],
    ['http://2130706433/hook', false, 'NOT_ALLOWED'],
    ['http://0.0.0.0/hook', false, 'NOT_ALLOWED'],
    ['http://8.8.8.8/hook', false, null],
  ])('%s (https only: %s) → %s', (url, httpsOnly, code) => {
    expect(refusal(url, httpsOnly)).toBe(code);
  });
});

describe('AddressGuard.checkUrl (creation)', () => {
  it('refuses a host when any address it resolves to is refused', async () => {
    await expect(
      guard().checkUrl('https://mixed.example/', fakeLookup(['93.184.216.34', '10.0.0.1'])),
    ).rejects.toMatchObject({
      code: 'NOT_ALLOWED',
      message: expect.stringContaining('mixed.example resolves to 10.0.0.1') as unknown,
    });
    await expect(guard().checkUrl('https://ok.example/', fakeLookup(['93.184.216.34']))).resolves.toBeInstanceOf(URL);
  });

  it('reports a host that does not resolve as an invalid URL', async () => {
    await expect(guard().checkUrl('https://nowhere.invalid/', fakeLookup([], 'ENOTFOUND'))).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('ENOTFOUND') as unknown,
    });
  });
});

describe('AddressGuard.guardedLookup (delivery)', () => {
  const run = (lookup: ReturnType<AddressGuard['guardedLookup']>, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
      lookup('hooks.example', { all }, (error, address, family) =>
        resolve({ error, result: all ? address : [address, family] }),
      ),
    );

  it('hands the socket only checked addresses', async () => {
    const lookup = guard().guardedLookup(fakeLookup(['93.184.216.34', '2606:4700::1']));
    expect(await run(lookup, true)).toEqual({
      error: null,
      result: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
    });
    expect(await run(lookup, false)).toEqual({ error: null, result: ['93.184.216.34', 4] });
  });

  it('refuses the connection when the name now resolves to a refused address (DNS rebinding)', async () => {
    const { error } = await run(guard().guardedLookup(fakeLookup(['127.0.0.1'])), true);
    expect(error?.code).toBe(ADDRESS_REFUSED);
    expect(error?.message).toContain('127.0.0.1 is a loopback address');
  });

  it('passes DNS failures through (they are retried)', async () => {
    const { error } = await run(guard().guardedLookup(fakeLookup([], 'EAI_AGAIN')), true);
    expect(error?.code).toBe('EAI_AGAIN');
  });
});
