import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { api } from '../api/client';
import { useSession } from './session';
import { useWizard } from './wizard';
import { useNotifications } from './notifications';

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

describe('notifications store', () => {
  const note = (id: number, read_at: string | null = null) => ({
    id, template: 'application.approved', title: `备案申请 ${id} 已通过管局审核`, body: '恭喜', application_id: id,
    created_at: '2026-11-30T01:00:00Z', read_at,
  });
  it('loads the newest page, then the next by its cursor, with the unread count', async () => {
    serve({
      'GET /v1/notifications': { status: 200, body: { items: [note(3), note(2)], next_cursor: 'bjoy' } },
      'GET /v1/notifications/unread-count': { status: 200, body: { unread: 3 } },
    });
    const n = useNotifications();
    await n.load();
    expect(n.items.map((i) => i.id)).toEqual([3, 2]);
    expect(n.next).toBe('bjoy');
    expect(n.unread).toBe(3);
    expect(new URL(sent[0].url).search).toBe('?limit=20');
    serve({
      'GET /v1/notifications': { status: 200, body: { items: [note(1)], next_cursor: null } },
      'GET /v1/notifications/unread-count': { status: 200, body: { unread: 3 } },
    });
    await n.load(true);
    expect(new URL(sent[0].url).searchParams.get('cursor')).toBe('bjoy');
    expect(n.items.map((i) => i.id)).toEqual([3, 2, 1]);
    expect(n.next).toBeNull();
    await n.load(true); // no page after the last: nothing asked
    expect(sent.length).toBe(2);
  });
  it('marks one read with the CSRF token and counts again', async () => {
    const s = useSession();
    s.apply({ account: account as never, role: 'customer', csrf_token: 'tok-9' });
    serve({
      'GET /v1/notifications': { status: 200, body: { items: [note(2), note(1)], next_cursor: null } },
      'GET /v1/notifications/unread-count': { status: 200, body: { unread: 2 } },
    });
    const n = useNotifications();
    await n.load();
    serve({
      'POST /v1/notifications/2:read': { status: 200, body: note(2, '2026-11-30T02:00:00Z') },
      'GET /v1/notifications/unread-count': { status: 200, body: { unread: 1 } },
    });
    await n.markRead(2);
    expect(sent[0].method).toBe('POST');
    expect(sent[0].headers.get('X-CSRF-Token')).toBe('tok-9');
    expect(n.items.find((i) => i.id === 2)?.read_at).toBe('2026-11-30T02:00:00Z');
    expect(n.items.find((i) => i.id === 1)?.read_at).toBeNull();
    expect(n.unread).toBe(1);
  });
  it("refuses another account's notification as icpd does, and keeps the list", async () => {
    serve({
      'GET /v1/notifications': { status: 200, body: { items: [note(5)], next_cursor: null } },
      'GET /v1/notifications/unread-count': { status: 200, body: { unread: 1 } },
    });
    const n = useNotifications();
    await n.load();
    serve({
      'POST /v1/notifications/9:read': {
        status: 404,
        body: { status: 404, violations: [{ field: 'id', rule: 'notification.not-found', message: 'no', message_zh: '没有该消息' }] },
      },
    });
    await expect(n.markRead(9)).rejects.toMatchObject({ status: 404 });
    expect(n.items.map((i) => i.id)).toEqual([5]);
    expect(n.unread).toBe(1);
  });
  it('marks all read and reloads; signing out clears it', async () => {
    serve({
      'POST /v1/notifications:read-all': { status: 200, body: { marked: 2 } },
      'GET /v1/notifications': { status: 200, body: { items: [note(2, 'x'), note(1, 'x')], next_cursor: null } },
      'GET /v1/notifications/unread-count': { status: 200, body: { unread: 0 } },
    });
    const n = useNotifications();
    n.unread = 2;
    await n.markAllRead();
    expect(sent.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /v1/notifications:read-all', 'GET /v1/notifications', 'GET /v1/notifications/unread-count',
    ]);
    expect(n.unread).toBe(0);
    n.clear();
    expect(n.items).toEqual([]);
    expect(n.loaded).toBe(false);
  });
});
