// Field checks as the customer types, mirrored from the server's own (src/domain/:
// resident_id.cc, mobile_number.cc, email.cc, domain_name.cc, credit_code.cc) with the same
// rule ids. They catch typing mistakes early; the server decides (its violations are shown
// on the fields they name, over these).

export interface FieldProblem {
  rule: string;
  message: string;
  message_zh: string;
}

const fail = (rule: string, message: string, message_zh: string): FieldProblem => ({
  rule,
  message,
  message_zh,
});

export function required(value: string): FieldProblem | null {
  return value.trim() === '' ? fail('field.required', 'this field is required', '此项为必填项') : null;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

// 居民身份证号码 (GB 11643): 17 digits and a check character.
export function residentId(text: string, today = new Date()): FieldProblem | null {
  const n = text.trim().toUpperCase();
  if (n.length !== 18) {
    return fail('resident-id.length', `a resident ID number has 18 characters, not ${n.length}`,
      `身份证号码应为 18 位，当前 ${n.length} 位`);
  }
  if (!/^\d{17}[\dX]$/.test(n)) {
    return fail('resident-id.format', 'a resident ID number is 17 digits and a digit or X',
      '身份证号码应为 17 位数字加 1 位数字或 X');
  }
  const y = Number(n.slice(6, 10));
  const m = Number(n.slice(10, 12));
  const d = Number(n.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || y < 1900) {
    return fail('resident-id.birth-date', `the birth date ${n.slice(6, 14)} in the number is not a real day`,
      `号码中的出生日期 ${n.slice(6, 14)} 不存在`);
  }
  if (birth.getTime() > today.getTime()) {
    return fail('resident-id.birth-in-future', 'the birth date is after today', '出生日期晚于今天');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(n[i]) * ID_WEIGHTS[i];
  if (ID_CHECK[sum % 11] !== n[17]) {
    return fail('resident-id.checksum', `the check character should be ${ID_CHECK[sum % 11]}, not ${n[17]}`,
      `校验位应为 ${ID_CHECK[sum % 11]}，而不是 ${n[17]}`);
  }
  return null;
}

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

// 统一社会信用代码 (GB 32100): 18 characters of its alphabet, the last a check character.
export function creditCode(text: string): FieldProblem | null {
  const n = text.replace(/\s/g, '').toUpperCase();
  if (n.length !== 18) {
    return fail('credit-code.length', `a unified social credit code has 18 characters, not ${n.length}`,
      `统一社会信用代码应为 18 位，当前 ${n.length} 位`);
  }
  const bad = [...n].find((c) => !CREDIT_ALPHABET.includes(c));
  if (bad !== undefined) {
    return fail('credit-code.format', `'${bad}' cannot appear in a unified social credit code (no I, O, S, V, Z)`,
      `统一社会信用代码中不能出现字符 ${bad}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(n[i]) * CREDIT_WEIGHTS[i];
  const want = CREDIT_ALPHABET[(31 - (sum % 31)) % 31];
  if (want !== n[17]) {
    return fail('credit-code.checksum', `the check character should be ${want}, not ${n[17]}`,
      `校验位应为 ${want}，而不是 ${n[17]}`);
  }
  return null;
}

// A mainland mobile number: 11 digits starting with 1 (+86 and spaces allowed).
export function mobile(text: string): FieldProblem | null {
  let n = text.replace(/[\s-]/g, '');
  if (n === '') return fail('mobile.empty', 'the mobile number is empty', '手机号码不能为空');
  if (n.startsWith('+86')) n = n.slice(3);
  if (!/^\d+$/.test(n)) {
    return fail('mobile.format', 'a mobile number is digits only', '手机号码只能包含数字');
  }
  if (n.length !== 11) {
    return fail('mobile.length', `a mainland mobile number has 11 digits, not ${n.length}`,
      `手机号码应为 11 位，当前 ${n.length} 位`);
  }
  if (n[0] !== '1') {
    return fail('mobile.format', `a mainland mobile number starts with 1; ${n} looks like a landline`,
      '手机号码应以 1 开头');
  }
  return null;
}

export function email(text: string): FieldProblem | null {
  const a = text.trim();
  if (a === '') return fail('email.empty', 'the e-mail address is empty', '电子邮箱地址不能为空');
  if (a.length > 254) return fail('email.length', 'an e-mail address has at most 254 characters', '电子邮箱地址过长');
  const at = a.lastIndexOf('@');
  if (at <= 0 || at === a.length - 1) {
    return fail('email.format', 'an e-mail address is local-part@domain', '电子邮箱地址格式应为 名称@域名');
  }
  if (!/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/.test(a.slice(0, at)) || a.slice(0, at).length > 64) {
    return fail('email.local-part', 'the part before @ has characters an address cannot carry',
      '邮箱 @ 前的部分含有不允许的字符');
  }
  const d = domainName(a.slice(at + 1));
  return d ? fail('email.domain', `the domain after @: ${d.message}`, `邮箱 @ 后的域名：${d.message_zh}`) : null;
}

// A domain to file: letters, digits and hyphens in labels of 1-63, at least two labels.
// (Chinese labels are taken as typed: the server converts them with IDNA 2008.)
export function domainName(text: string): FieldProblem | null {
  const n = text.trim().toLowerCase().replace(/\.$/, '');
  if (n === '') return fail('domain.empty', 'the domain is empty', '域名不能为空');
  if (/^[a-z]+:\/\//.test(n) || n.includes('/')) {
    return fail('domain.url', 'give the domain alone, without http:// or a path', '请只填写域名，不要带 http:// 或路径');
  }
  if (n.length > 253) return fail('domain.length', 'a domain has at most 253 characters', '域名最长 253 个字符');
  const labels = n.split('.');
  if (labels.length < 2) {
    return fail('domain.label', 'a domain has at least two labels (example.com)', '域名至少包含两级（如 example.com）');
  }
  for (const l of labels) {
    const ascii = /^[\x00-\x7f]*$/.test(l);
    if (l === '' || l.length > 63 || (ascii && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(l))) {
      return fail('domain.label', `'${l}' is not a valid label: letters, digits and inner hyphens, 1-63`,
        `“${l}”不是有效的域名标签：只能包含字母、数字和中间的连字符，长 1–63`);
    }
  }
  return null;
}

// The certificate number check for a certificate type (others are left to the server).
export function certificate(type: string, number: string): FieldProblem | null {
  if (type === 'resident_id') return residentId(number);
  if (type === 'business_licence' || type === 'credit_code') return creditCode(number);
  return required(number);
}
