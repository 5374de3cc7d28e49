import { describe, expect, it } from 'vitest';
import { creditCode, domainName, email, mobile, residentId } from './checks';

describe('residentId (GB 11643, as src/domain/resident_id.cc)', () => {
  it('takes valid numbers, with x or X', () => {
    expect(residentId('110101199001010111')).toBeNull();
    expect(residentId('11010519491231002x')).toBeNull();
    expect(residentId('11010519491231002X')).toBeNull();
  });
  it('names the rule the server would', () => {
    expect(residentId('1101011990010101')?.rule).toBe('resident-id.length');
    expect(residentId('11010119900101011A')?.rule).toBe('resident-id.format');
    expect(residentId('110101199002300111')?.rule).toBe('resident-id.birth-date');
    expect(residentId('110101199001010112')?.rule).toBe('resident-id.checksum');
    expect(residentId('110101209901010111', new Date('2026-01-01'))?.rule).toBe('resident-id.birth-in-future');
  });
  it('says it in Chinese too', () => {
    expect(residentId('110101199001010112')?.message_zh).toContain('校验位应为 1');
  });
});

describe('creditCode (GB 32100)', () => {
  it('takes valid codes, with spaces', () => {
    expect(creditCode('91350100M000100Y43')).toBeNull();
    expect(creditCode('91 110000 600037341L')).toBeNull();
  });
  it('refuses wrong length, letters outside the alphabet and a wrong check character', () => {
    expect(creditCode('91350100M000100Y4')?.rule).toBe('credit-code.length');
    expect(creditCode('91350100I000100Y43')?.rule).toBe('credit-code.format');
    expect(creditCode('91350100M000100Y44')?.rule).toBe('credit-code.checksum');
  });
});

describe('mobile', () => {
  it('takes 11 digits starting with 1, +86 and spaces allowed', () => {
    expect(mobile('13800138000')).toBeNull();
    expect(mobile('+86 138 0013 8000')).toBeNull();
  });
  it('refuses empty, short, letters and landlines', () => {
    expect(mobile('')?.rule).toBe('mobile.empty');
    expect(mobile('1380013800')?.rule).toBe('mobile.length');
    expect(mobile('1380013800a')?.rule).toBe('mobile.format');
    expect(mobile('01012345678')?.rule).toBe('mobile.format');
  });
});

describe('email and domainName', () => {
  it('takes ordinary addresses and domains', () => {
    expect(email('zhangsan@example.com')).toBeNull();
    expect(domainName('example-bj.com')).toBeNull();
    expect(domainName('例子.中国')).toBeNull();
  });
  it('refuses what the server refuses', () => {
    expect(email('zhangsan')?.rule).toBe('email.format');
    expect(email('a b@example.com')?.rule).toBe('email.local-part');
    expect(email('a@-x.com')?.rule).toBe('email.domain');
    expect(domainName('http://example.com')?.rule).toBe('domain.url');
    expect(domainName('localhost')?.rule).toBe('domain.label');
    expect(domainName('-bad.com')?.rule).toBe('domain.label');
    expect(domainName('a'.repeat(64) + '.com')?.rule).toBe('domain.label');
  });
});
