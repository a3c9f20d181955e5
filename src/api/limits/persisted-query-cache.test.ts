import { describe, expect, it } from 'vitest';
import { BoundedQueryCache } from './persisted-query-cache.js';

/** The weight of one entry: 2 bytes per UTF-16 unit of key and text, plus 160 of overhead. */
const entry = (key: string, text: string) => 2 * (key.length + text.length) + 160;

describe('BoundedQueryCache', () => {
  it('evicts the least recently used entries beyond its bound', async () => {
    const one = entry('a', '1234567890'); // 182
    const cache = new BoundedQueryCache(2 * one + 10);
    await cache.set('a', '1234567890');
    await cache.set('b', '1234567890');
    expect(await cache.get('a')).toBe('1234567890'); // a is now the most recent
    await cache.set('c', '1234567890'); // past the bound: b goes
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeDefined();
    expect(await cache.get('c')).toBeDefined();
    expect(cache.usedBytes).toBe(2 * one);
  });

  it('charges tiny queries their real heap, so many of them cannot hold more than the bound', async () => {
    const cache = new BoundedQueryCache(10_000);
    for (let i = 0; i < 1_000; i++) await cache.set(`hash-${i}`, '{ hubs { id } }');
    expect(cache.usedBytes).toBeLessThanOrEqual(10_000);
    expect(cache.size).toBeLessThan(60);
  });

  it('never holds an entry larger than the bound, and replaces an existing key', async () => {
    const cache = new BoundedQueryCache(entry('k', 'one') + 10);
    await cache.set('k', 'x'.repeat(20));
    expect(cache.size).toBe(0);
    await cache.set('k', 'one');
    await cache.set('k', 'two');
    expect(await cache.get('k')).toBe('two');
    expect(cache.usedBytes).toBe(entry('k', 'two'));
    expect(await cache.delete('k')).toBe(true);
    expect(cache.usedBytes).toBe(0);
  });

  it('honours a TTL in seconds', async () => {
    let now = 0;
    const cache = new BoundedQueryCache(1_000, () => now);
    await cache.set('k', 'v', { ttl: 5 });
    await cache.set('forever', 'v', { ttl: null });
    now = 4_999;
    expect(await cache.get('k')).toBe('v');
    now = 5_000;
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.get('forever')).toBe('v');
    expect(cache.size).toBe(1);
  });
});
