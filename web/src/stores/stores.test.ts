import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { api } from '../api/client';
import { useSession } from './session';
import { useWizard } from './wizard';

// icpd as the stores see it: a fetch that answers from a table and records what was sent.
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
let sent: Request[] = [];
function serve(table: Record<string, Answer>) {
  sent = [];
  vi.stubGlobal('fetch', async (input: Request) => {
    sent.push(input.clone());
    const key = `${input.method} ${new URL(input.url).pathname}`;
    const a = table[key] ?? { status: 404, body: { status: 404, violations: [] } };
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'Content-Type': a.status >= 400 ? 'application/problem+json' : 'application/json', ...(a.headers ?? {}) },
    });
  });
}
const account = { id: 7, login: 'zhangsan', role: 'customer', display_name: '张三', status: 'active' };

beforeEach(() => {
  setActivePinia(createPinia());
  vi.stubGlobal('location', new URL('http://127.0.0.1/console/'));
});

describe('session store', () => {
  it('signs in, then sends the CSRF token on unsafe requests only', async () => {
    serve({
      'POST /v1/sessions': { status: 201, body: { account, role: 'customer', csrf_token: 'tok-1', expires_at: '' } },
      'GET /v1/me': { status: 200, body: { account, role: 'customer', csrf_token: 'tok-1' } },
      'DELETE /v1/sessions/current': { status: 204 },
    });
    const s = useSession();
    await s.signIn('zhangsan', 'pw');
    expect(s.signedIn).toBe(true);
    expect(s.home).toBe('/');
    await api.GET('/v1/me');
    await s.signOut();
    expect(sent.map((r) => r.method)).toEqual(['POST', 'GET', 'DELETE']);
    expect(sent[1].headers.has('X-CSRF-Token')).toBe(false);
    expect(sent[2].headers.get('X-CSRF-Token')).toBe('tok-1');
    expect(s.signedIn).toBe(false);
  });
  it('sends a reviewer to the queue and an admin to operations', () => {
    const s = useSession();
    s.apply({ account: { ...account, role: 'reviewer' } as never, role: 'reviewer', csrf_token: 'x' });
    expect(s.home).toBe('/review');
    expect(s.isStaff).toBe(true);
    s.apply({ account: { ...account, role: 'admin' } as never, role: 'admin', csrf_token: 'x' });
    expect(s.home).toBe('/operator');
  });
  it('stays signed out on a 401 from /v1/me', async () => {
    serve({ 'GET /v1/me': { status: 401, body: { status: 401, violations: [] } } });
    const s = useSession();
    await s.load();
    expect(s.loaded).toBe(true);
    expect(s.signedIn).toBe(false);
  });
});

describe('wizard store', () => {
  it('puts the server\'s violations on their fields and goes back to the first one\'s step', () => {
    const w = useWizard();
    w.step = 'confirm';
    w.showViolations(
      [
        { field: 'subject.principal.mobile', rule: 'mobile.length', message: 'eleven digits', message_zh: '手机号码应为 11 位' },
        { field: '', rule: 'application.x', message: 'whole', message_zh: '整体' },
      ],
      true,
    );
    expect(w.serverErrors['subject.principal.mobile']).toBe('手机号码应为 11 位');
    expect(w.generalErrors).toEqual(['整体']);
    expect(w.step).toBe('principals');
    w.clearServerError('subject.principal.mobile');
    expect(w.serverErrors).toEqual({});
  });
  it('refuses to leave a step whose fields fail their checks', () => {
    const w = useWizard();
    expect(w.checkStep()).toBe(false);
    Object.assign(w.doc.subject, {
      name: '张三', region_code: '110101', certificate_address: '地址', mailing_address: '地址',
    });
    w.doc.subject.certificate.number = '110101199001010111';
    expect(w.checkStep()).toBe(true);
    expect(w.doc.province).toBe('11');
    expect(w.doc.subject.investor).toBe('张三');
  });
  it('creates once with an idempotency key, then saves with If-Match', async () => {
    serve({
      'POST /v1/applications': { status: 201, body: { id: 42 }, headers: { ETag: '"1"' } },
      'GET /v1/applications/42': { status: 200, body: { id: 42 }, headers: { ETag: '"2"' } },
      'PUT /v1/applications/42': { status: 200, body: { id: 42 }, headers: { ETag: '"3"' } },
    });
    const w = useWizard();
    w.doc.websites[0].domains = [' Example-BJ.com '];
    await w.save();
    expect(w.applicationId).toBe(42);
    expect(sent[0].headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    const body = await sent[0].json();
    expect(body.websites[0].domains).toEqual(['example-bj.com']);
    expect(body.websites[0].home_url).toBe('http://www.example-bj.com');
    await w.save();
    expect(sent.map((r) => r.method)).toEqual(['POST', 'GET', 'PUT']);
    expect(sent[2].headers.get('If-Match')).toBe('"2"');
    expect(w.etag).toBe('"3"');
  });
  it('throws the problem of a refused create, with its violations', async () => {
    serve({
      'POST /v1/applications': {
        status: 400,
        body: { status: 400, violations: [{ field: 'websites[0].domains[0]', rule: 'domain.label', message: 'bad', message_zh: '坏' }] },
      },
    });
    const w = useWizard();
    await expect(w.save()).rejects.toMatchObject({ status: 400, violations: [{ field: 'websites[0].domains[0]' }] });
    expect(w.applicationId).toBe(0);
  });
});
