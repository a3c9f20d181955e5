import { describe, expect, it } from 'vitest';
import { BoundedQueryCache } from './persisted-query-cache.js';

describe('BoundedQueryCache', () => {
  it('evicts the least recently used entries beyond its bound', async () => {
    const cache = new BoundedQueryCache(30);
    await cache.set('a', '1234567890'); // 11
    await cache.set('b', '1234567890'); // 22
    expect(await cache.get('a')).toBe('1234567890'); // a is now the most recent
    await cache.set('c', '1234567890'); // 33 > 30: b goes
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeDefined();
    expect(await cache.get('c')).toBeDefined();
    expect(cache.usedBytes).toBe(22);
  });

  it('never holds an entry larger than the bound, and replaces an existing key', async () => {
    const cache = new BoundedQueryCache(10);
    await cache.set('k', 'x'.repeat(20));
    expect(cache.size).toBe(0);
    await cache.set('k', 'one');
    await cache.set('k', 'two');
    expect(await cache.get('k')).toBe('two');
    expect(cache.usedBytes).toBe(4);
    expect(await cache.delete('k')).toBe(true);
    expect(cache.usedBytes).toBe(0);
  });

  it('honours a TTL in seconds', async () => {
    let now = 0;
    const cache = new BoundedQueryCache(100, () => now);
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
