// Which check each field of the document gets as it is typed, and which wizard step shows
// it: the one table the wizard, the fix page and the tests read.
import * as checks from './checks';
import type { FieldProblem } from './checks';
import { getAt, type FilingDocument } from './document';

export type Step = 'subject' | 'principals' | 'websites' | 'resources' | 'materials' | 'verification' | 'confirm';
export const STEPS: Step[] = ['subject', 'principals', 'websites', 'resources', 'materials', 'verification', 'confirm'];

type Check = (value: string, doc: FilingDocument) => FieldProblem | null;

const principalChecks = (p: string): Record<string, Check> => ({
  [`${p}.name`]: (v) => checks.required(v),
  [`${p}.certificate.number`]: (v, d) => checks.certificate(String(getAt(d, `${p}.certificate.type`)), v),
  [`${p}.certificate_valid_until`]: (v) => checks.required(v),
  [`${p}.mobile`]: (v) => checks.mobile(v),
  [`${p}.emergency_contact`]: (v) => checks.mobile(v),
  [`${p}.email`]: (v) => checks.email(v),
});

// Field path -> its check. Websites beyond the first follow the same shape (websites[i]).
export function fieldChecks(doc: FilingDocument): Record<string, Check> {
  const out: Record<string, Check> = {
    'subject.name': (v) => checks.required(v),
    'subject.certificate.number': (v, d) => checks.certificate(d.subject.certificate.type, v),
    'subject.region_code': (v) =>
      /^\d{6}$/.test(v) ? null : { rule: 'subject.region_code', message: 'a 6-digit GB/T 2260 code', message_zh: '请填写 6 位行政区划代码' },
    'subject.certificate_address': (v) => checks.required(v),
    'subject.mailing_address': (v) => checks.required(v),
    ...principalChecks('subject.principal'),
  };
  doc.websites.forEach((w, i) => {
    out[`websites[${i}].name`] = (v) => checks.required(v);
    w.domains.forEach((_, j) => {
      out[`websites[${i}].domains[${j}]`] = (v) => checks.domainName(v);
    });
    Object.assign(out, principalChecks(`websites[${i}].principal`));
  });
  return out;
}

// The wizard step that shows a field (a server violation's path sends the customer there).
export function stepOf(path: string): Step {
  if (path.startsWith('subject.principal')) return 'principals';
  if (path.startsWith('subject')) return 'subject';
  if (/^websites\[\d+\]\.principal/.test(path)) return 'principals';
  if (/^websites\[\d+\]\.resources/.test(path)) return 'resources';
  if (path.startsWith('websites')) return 'websites';
  if (path.startsWith('materials')) return 'materials';
  return 'confirm';
}

// Every field of `step` that fails its check now, by path.
export function problemsIn(doc: FilingDocument, step: Step): Record<string, FieldProblem> {
  const out: Record<string, FieldProblem> = {};
  for (const [path, check] of Object.entries(fieldChecks(doc))) {
    if (stepOf(path) !== step) continue;
    const p = check(String(getAt(doc, path) ?? ''), doc);
    if (p) out[path] = p;
  }
  return out;
}
