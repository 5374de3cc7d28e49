import { describe, expect, it } from 'vitest';
import { emptyDocument, getAt, splitPath } from './document';
import { problemsIn, stepOf } from './fields';
import { flatten } from './flatten';

describe('field paths', () => {
  it('split and read the server\'s paths', () => {
    expect(splitPath('websites[0].principal.mobile')).toEqual(['websites', 0, 'principal', 'mobile']);
    expect(splitPath('websites[1].domains[2]')).toEqual(['websites', 1, 'domains', 2]);
    const doc = emptyDocument();
    doc.websites[0].domains[0] = 'a.cn';
    expect(getAt(doc, 'websites[0].domains[0]')).toBe('a.cn');
    expect(getAt(doc, 'websites[3].name')).toBeUndefined();
  });
  it('send each violation to the step that shows its field', () => {
    expect(stepOf('subject.name')).toBe('subject');
    expect(stepOf('subject.principal.mobile')).toBe('principals');
    expect(stepOf('websites[0].principal.email')).toBe('principals');
    expect(stepOf('websites[0].name')).toBe('websites');
    expect(stepOf('websites[0].resources')).toBe('resources');
    expect(stepOf('')).toBe('confirm');
  });
  it('flatten a document into the rows the reviewer reads', () => {
    const rows = flatten({ subject: { name: '张三' }, websites: [{ domains: ['a.cn', 'b.cn'], name: 'x' }] });
    expect(rows).toEqual([
      { path: 'subject.name', value: '张三' },
      { path: 'websites[0].domains', value: 'a.cn、b.cn' },
      { path: 'websites[0].name', value: 'x' },
    ]);
  });
});

describe('problemsIn', () => {
  it('lists every failing field of a step, and only of that step', () => {
    const doc = emptyDocument();
    const subject = problemsIn(doc, 'subject');
    expect(Object.keys(subject)).toEqual(
      expect.arrayContaining(['subject.name', 'subject.certificate.number', 'subject.region_code']),
    );
    expect(Object.keys(subject).some((k) => k.startsWith('subject.principal'))).toBe(false);
    doc.subject.name = '张三';
    doc.subject.certificate.number = '110101199001010111';
    doc.subject.region_code = '110101';
    doc.subject.certificate_address = '北京市东城区示例路 1 号';
    doc.subject.mailing_address = '北京市东城区示例路 1 号';
    expect(problemsIn(doc, 'subject')).toEqual({});
    doc.subject.certificate.number = '110101199001010112';
    expect(problemsIn(doc, 'subject')['subject.certificate.number'].rule).toBe('resident-id.checksum');
  });
  it('checks the certificate by its type', () => {
    const doc = emptyDocument();
    doc.subject.certificate = { type: 'business_licence', number: '91350100M000100Y43' };
    expect(problemsIn(doc, 'subject')['subject.certificate.number']).toBeUndefined();
    doc.subject.certificate.number = '110101199001010111';
    expect(problemsIn(doc, 'subject')['subject.certificate.number'].rule).toBe('credit-code.checksum');
  });
});
