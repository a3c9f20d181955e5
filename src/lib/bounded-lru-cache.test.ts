import { describe, expect, it } from 'vitest';
import { BoundedLruCache } from './bounded-lru-cache.js';

describe('BoundedLruCache', () => {
  it('evicts the least recently used entries once their weight passes the bound', async () => {
    const cache = new BoundedLruCache<{ size: number }>(100, (_key, value) => value.size);
    for (const key of ['a', 'b', 'c']) await cache.set(key, { size: 30 }); // 90
    await cache.get('a'); // a is now the most recent: b is the oldest
    await cache.set('d', { size: 30 }); // 120 > 100: b goes
    expect(await cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(3);
    expect(cache.usedWeight).toBe(90);
    await cache.set('e', { size: 75 }); // c, then a, then d go
    expect(cache.size).toBe(1);
    expect(cache.usedWeight).toBe(75);
    expect(await cache.get('e')).toEqual({ size: 75 });
  });

  it('never holds more than its bound, however many entries come', async () => {
    const cache = new BoundedLruCache<string>(1_000, (key, value) => key.length + value.length);
    for (let i = 0; i < 10_000; i++) await cache.set(`key-${i}`, 'x'.repeat(i % 50));
    expect(cache.usedWeight).toBeLessThanOrEqual(1_000);
    expect(await cache.get('key-9999')).toBe('x'.repeat(49));
    expect(await cache.get('key-0')).toBeUndefined();
  });

  it('weighs an entry once, when it is set', async () => {
    let weighed = 0;
    const cache = new BoundedLruCache<string>(100, () => ++weighed && 10);
    await cache.set('k', 'v');
    for (let i = 0; i < 5; i++) await cache.get('k');
    expect(weighed).toBe(1);
    expect(cache.usedWeight).toBe(10);
  });

  it('refuses an entry heavier than the bound, keeping the others', async () => {
    const cache = new BoundedLruCache<number>(10, (_key, value) => value);
    await cache.set('small', 4);
    await cache.set('huge', 11);
    expect(await cache.get('huge')).toBeUndefined();
    expect(await cache.get('small')).toBe(4);
  });
});
