import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signatureHeader, verifySignature } from './signature.js';

const secret = 'whsec_test-secret-0123456789';
const body = '{"deliveryId":"1","changes":[]}';
const at = new Date('2026-11-27T10:00:00.000Z');

describe('X-Catalog-Signature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const t = at.getTime() / 1000;
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(secret, body, at)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies within the tolerance, and not with another secret, body or an old timestamp', () => {
    const header = signatureHeader(secret, body, at);
    expect(verifySignature(secret, header, body, { now: at })).toBe(true);
    expect(verifySignature(secret, header, body, { now: new Date(at.getTime() + 299_000) })).toBe(true);
    expect(verifySignature(secret, header, body, { now: new Date(at.getTime() + 301_000) })).toBe(false);
    expect(verifySignature(`${secret}x`, header, body, { now: at })).toBe(false);
    expect(verifySignature(secret, header, `${body} `, { now: at })).toBe(false);
    expect(verifySignature(secret, 'v1=abc', body, { now: at })).toBe(false);
    expect(verifySignature(secret, header.replace(/v1=.{4}/, 'v1=0000'), body, { now: at })).toBe(false);
  });

  it('generates distinct 256-bit secrets', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});
