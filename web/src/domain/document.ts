// The application document (docs/application-json.md). api/openapi.yaml declares its
// subject and websites as open objects (the server decodes them strictly), so their shape is
// written here, field for field as the server reads them.

export interface Certificate {
  type: string;
  number: string;
}

export interface Principal {
  name: string;
  certificate: Certificate;
  certificate_valid_until: string;
  mobile: string;
  phone2: string;
  emergency_contact: string;
  email: string;
  is_legal_representative: boolean;
}

export interface Subject {
  type: string;
  name: string;
  certificate: Certificate;
  region_code: string;
  certificate_address: string;
  mailing_address: string;
  investor: string;
  legal_representative: { name: string; certificate: Certificate } | null;
  principal: Principal;
  remark: string;
}

export interface Website {
  name: string;
  domains: string[];
  home_url: string;
  service_content: string[];
  languages: string[];
  pre_approvals: unknown[];
  principal: Principal;
  remark: string;
  resources: string[];
}

export interface FilingDocument {
  province: string;
  subject: Subject;
  websites: Website[];
}

export function emptyPrincipal(): Principal {
  return {
    name: '',
    certificate: { type: 'resident_id', number: '' },
    certificate_valid_until: '',
    mobile: '',
    phone2: '',
    emergency_contact: '',
    email: '',
    is_legal_representative: false,
  };
}

export function emptyWebsite(): Website {
  return {
    name: '',
    domains: [''],
    home_url: '',
    service_content: ['other'],
    languages: ['zh-Hans'],
    pre_approvals: [],
    principal: emptyPrincipal(),
    remark: '',
    resources: [],
  };
}

export function emptyDocument(): FilingDocument {
  return {
    province: '11',
    subject: {
      type: 'individual',
      name: '',
      certificate: { type: 'resident_id', number: '' },
      region_code: '',
      certificate_address: '',
      mailing_address: '',
      investor: '',
      legal_representative: null,
      principal: emptyPrincipal(),
      remark: '',
    },
    websites: [emptyWebsite()],
  };
}

// "websites[0].principal.mobile" -> ["websites", 0, "principal", "mobile"]
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [];
    if (m[1]) out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

export function getAt(doc: unknown, path: string): unknown {
  let at: unknown = doc;
  for (const key of splitPath(path)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

// A deep copy of plain data (a reactive proxy too, which structuredClone refuses).
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
