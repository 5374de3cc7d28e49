// The application document as the reviewer reads it: one row per leaf field, by its path
// ("websites[0].name"), in the document's order.
export function flatten(value: unknown, prefix = ''): { path: string; value: string }[] {
  if (value === null || value === undefined) return prefix ? [{ path: prefix, value: '' }] : [];
  if (Array.isArray(value)) {
    if (value.length && value.every((v) => typeof v !== 'object' || v === null)) {
      return [{ path: prefix, value: value.join('、') }];
    }
    return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [{ path: prefix, value: String(value) }];
}

// Suggestions a reviewer can pick for a return reason on a field, by the field's last name.
export function suggestionsFor(path: string): string[] {
  const leaf = path.replace(/\[\d+\]/g, '').split('.').pop() ?? '';
  const table: Record<string, string[]> = {
    name: ['网站名称不能使用泛称或与内容不符，请改为能体现网站内容的名称', '请与证件上的名称保持一致'],
    mobile: ['请填写负责人本人实名登记的手机号码'],
    emergency_contact: ['应急联系电话不能与负责人手机号相同'],
    email: ['请填写可正常收信的电子邮箱'],
    mailing_address: ['请填写详细到门牌号的通讯地址'],
    remark: ['请在备注中说明网站的具体内容'],
    domains: ['域名须完成实名认证且与主办者一致'],
  };
  return table[leaf] ?? ['请核实并修改此项'];
}
