import { describe, expect, it } from 'vitest';
import { licenseRef } from './license.definition.js';

describe('licenseRef', () => {
  it('names a license by its ASCII name, and keeps names in other scripts apart', () => {
    expect(licenseRef('Upstage Solar License')).toBe('LicenseRef-upstage-solar-license');
    expect(licenseRef('')).toBe('LicenseRef-unresolved');
    const chinese = ['通义千问许可协议', '通义千问研究许可协议', '百川2模型社区许可协议', '许可证'].map(licenseRef);
    expect(new Set(chinese).size).toBe(chinese.length);
    for (const id of chinese) expect(id).toMatch(/^LicenseRef-[a-z0-9.-]+$/);
    // The same name, however it is cased, spaced or composed, is the same license.
    expect(licenseRef(' 通义千问许可协议 ')).toBe(licenseRef('通义千问许可协议'));
    expect(licenseRef('Café License')).toBe(licenseRef('Cafe\u0301 License'.normalize('NFC')));
  });
});
