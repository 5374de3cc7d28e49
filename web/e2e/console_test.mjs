// The console in Debian's Chromium (headless, playwright-core; never a downloaded browser)
// against a real icpd on a temporary SQLite store with its embedded bureau (issue 11):
//
//   a customer completes a personal first filing in the wizard; a reviewer returns it with a
//   reason on websites[0].name; the customer sees the reason on that field, fixes it and
//   resubmits; the reviewer passes it, the customer sends the curtain photo, the reviewer
//   accepts it and passes it on; at the bureau the leader's SMS codes are entered (through the
//   bureau portal's API, as the customer's phone would) and the bureau approves; the number
//   appears on the customer's dashboard and in the public query (by domain and by number).
//   The same again at 375 px for a second customer. Beside the journey: the desktop customer
//   redeems an authorization code the demo's enterprise customer generated, starts a 取消接入 (its draft's
//   checklist comes from icpd, so a fresh browser shows it too); the phone customer files a
//   变更网站 from the dashboard; the operator's pages (accounts, records import, rules in force,
//   audit log with its verification, outbox dead letters and their retry) at 1280 and 375 px,
//   and the public query by unit name of the records imported there.
//
// Every page is screenshotted into SCREENSHOT_DIR and checked with axe-core (no serious or
// critical violation); any console error or uncaught exception on a page fails the test.
//
// Usage: node console_test.mjs ICPD ICPCTL WEB_BUILD_DIR SCREENSHOT_DIR
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const [ICPD, ICPCTL, WEB, SHOTS] = process.argv.slice(2).map((p) => resolve(p));
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const started = Date.now();
const failures = [];

function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
  return ok;
}

// ---- fixtures --------------------------------------------------------------------------

// A resident ID number with its check character (GB 11643).
function residentId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((n, c, i) => n + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// A grey PNG of the given size (the upload limits read its header).
function png(width, height) {
  const chunk = (kind, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(kind), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 0x80)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = png(1200, 900);

// ---- icpd and its API (setup and the bureau's side only; the journeys are in the browser) --

function icpdEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ICP_')));
  // The gateway talks to the bureau every second (10 s and 30 s by default), so a filing
  // reaches its SMS step and its number within seconds.
  return {
    ...env, ICP_RULES_DIR: join(REPO, 'data', 'rules'), ICP_PASSWORD_HASH_OPS: '1', ICP_PASSWORD_HASH_MEMORY: '8192',
    ICP_BUREAU_UPLOAD_INTERVAL_SECONDS: '1', ICP_BUREAU_DOWNLOAD_INTERVAL_SECONDS: '1',
  };
}

function startIcpd(dataDir) {
  const args = ['serve', '--port', '0', '--data-dir', dataDir, '--console-dir', WEB, '--with-bureau',
    '--bureau-auto-review', 'approve', '--bureau-review-delay', '0', '--bureau-test-hooks'];
  const proc = spawn(ICPD, args, { env: icpdEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err = (err + d).slice(-20000)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`icpd did not start: ${out}\n${err.slice(-2000)}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/[^\s]+)/.exec(out);
      const bureau = /^bureau (http:\/\/[^\s]+)/m.exec(out);
      if (url && bureau) {
        clearTimeout(timer);
        ok({ proc, url: url[1], bureau: bureau[1], log: () => err });
      }
    });
    proc.on('exit', (code) => fail(new Error(`icpd exited ${code}: ${out}\n${err.slice(-2000)}`)));
  });
}

class Api {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }
  async call(method, path, body, headers = {}) {
    const h = { ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
    let payload;
    if (body !== undefined && !(body instanceof Buffer) && typeof body !== 'string') {
      h['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    } else payload = body;
    const r = await fetch(this.base + path, { method, headers: h, body: payload });
    const set = r.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    const text = await r.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    if (json && json.csrf_token) this.csrf = json.csrf_token;
    return { status: r.status, json, etag: r.headers.get('etag') };
  }
  async must(method, path, body, headers) {
    const r = await this.call(method, path, body, headers);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    return r;
  }
}

// A customer with its real name and one eligible server, made by the admin.
async function makeCustomer(admin, c) {
  const a = await admin.must('POST', '/v1/accounts', {
    login: c.login, role: 'customer', display_name: c.name, password: c.password, mobile: c.mobile,
  });
  await admin.must('PUT', `/v1/accounts/${a.json.id}/real-name`, {
    kind: 'person', name: c.name, certificate: { type: 'resident_id', number: c.id },
  });
  await admin.must('POST', '/v1/admin/resources:import', {
    resources: [{
      id: c.resource, account: c.login, kind: 'cvm', region: 'ap-beijing', mainland: true, billing: 'prepaid',
      trial: false, purchased: { count: 12, unit: 'months' }, expires_at: '2029-11-01T00:00:00+08:00',
      public_ip: c.ip,
    }],
  });
}

// A unified social credit code (GB 32100) for region `region`, its organisation code part
// (GB 11714) and its own check character computed.
function creditCode(region, orgBody) {
  const orgValue = (c) => (/\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55);
  const ow = [3, 7, 9, 10, 5, 8, 4, 2];
  const oc = 11 - ([...orgBody].reduce((n, c, i) => n + orgValue(c) * ow[i], 0) % 11);
  const org = orgBody + (oc === 10 ? 'X' : oc === 11 ? '0' : String(oc));
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const cw = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const body = '91' + region + org;
  const sum = [...body].reduce((n, c, i) => n + alphabet.indexOf(c) * cw[i], 0);
  return body + alphabet[(31 - (sum % 31)) % 31];
}

// A unit (an enterprise in Shanghai) on record with one website, as the records import takes
// it (the shape of scripts/demo-data.py).
function unitRecord(account) {
  const leader = { name: '钱七', certificate: { type: 'resident_id', number: residentId('31010119800101123') },
    certificate_valid_until: '2036-01-01', mobile: '13700137005', phone2: '', emergency_contact: '13900139005',
    email: 'qianqi@example.com', is_legal_representative: true };
  return {
    account, province: '31', number: UNIT_WEBSITE.replace(/-1$/, ''),
    subject: {
      type: 'enterprise', name: UNIT_NAME, certificate: { type: 'business_licence', number: creditCode('310101', 'MA1FL0X9') },
      region_code: '310101', certificate_address: '上海市黄浦区示例路 8 号', mailing_address: '上海市黄浦区示例路 8 号',
      investor: UNIT_NAME, legal_representative: { name: '钱七', certificate: leader.certificate }, principal: leader, remark: '',
    },
    websites: [{ number: UNIT_WEBSITE, website: {
      name: '示例信息', domains: ['example-unit.cn'], home_url: 'http://www.example-unit.cn', service_content: ['other'],
      languages: ['zh-Hans'], pre_approvals: [], principal: leader, remark: '企业门户网站', resources: ['ins-zhaoliu-1'],
    } }],
  };
}

// ---- the browser ----------------------------------------------------------------------

const pagesSeen = new Set();

function watch(page, who) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium logs every 4xx answer as a console error: the console asks /v1/me before
    // sign-in (401) and the test makes icpd refuse things on purpose. Those are the API's
    // answers, not errors of the page; anything else (a script error, a CSP refusal) fails.
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    check(false, `${who}: no console error (${m.text()} at ${page.url()})`);
  });
  page.on('pageerror', (e) => check(false, `${who}: no uncaught exception (${e.message} at ${page.url()})`));
}

// Screenshot and axe-core check of the page as it is now, once per name.
async function inspect(page, name) {
  await page.waitForLoadState('networkidle').catch(() => {});
  // Transitions (a tag zooming in) run their course first: axe judges what a person sees.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, { timeout: 3000 }).catch(() => {});
  // A toast (ElMessage) fades over the page for 3 s; axe cannot judge the contrast of what
  // lies under a translucent overlay, so the toasts are taken away before the check.
  await page.evaluate(() => document.querySelectorAll('.el-message').forEach((e) => e.remove()));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const width = page.viewportSize().width;
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  check(scroll <= width, `${name}: fits ${width} px without scrolling sideways (${scroll})`);
  if (pagesSeen.has(name)) return;
  pagesSeen.add(name);
  // Evaluated over the DevTools protocol: the page's CSP (no inline script) stays in force.
  const result = await page.evaluate(`(async () => { ${AXE}; const r = await axe.run(document, {
      resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })); })()`);
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(serious.length === 0, `${name}: no serious axe-core violation${serious.length ? ' ' + JSON.stringify(serious) : ''}`);
}

async function signIn(page, base, login, password) {
  await page.goto(`${base}/console/`);
  await page.waitForURL(/\/console\/sign-in/);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('[data-test=sign-in]');
  await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
}

async function fillField(page, path, value) {
  const input = page.locator(`[data-field="${path}"] input`);
  await input.fill(value);
}

async function appState(api, id) {
  return (await api.must('GET', `/v1/applications/${id}`)).json.state;
}

async function waitState(api, id, states, seconds) {
  const until = Date.now() + seconds * 1000;
  let s;
  while (Date.now() < until) {
    s = await appState(api, id);
    if (states.includes(s)) return s;
    await new Promise((r) => setTimeout(r, 250));
  }
  return s;
}

// The customer's part of the journey in the wizard, at the page's viewport.
async function fileInWizard(page, c, tag) {
  await page.goto(`${c.base}/console/apply`);
  await page.waitForSelector('[data-step=subject]');
  await inspect(page, `${tag}-wizard-1-subject`);
  // The check mirrored from the server shows as the number is typed.
  await fillField(page, 'subject.certificate.number', c.id.slice(0, 17) + (c.id[17] === '0' ? '1' : '0'));
  await page.locator('[data-field="subject.certificate.number"] input').blur();
  check(await page.locator('[data-field="subject.certificate.number"] .el-form-item__error')
    .waitFor({ timeout: 3000 }).then(() => true, () => false),
    `${tag}: a wrong check character is marked on the certificate field as it is typed`);
  await fillField(page, 'subject.name', c.name);
  await fillField(page, 'subject.certificate.number', c.id);
  await fillField(page, 'subject.region_code', '110101');
  await fillField(page, 'subject.certificate_address', '北京市东城区示例路 1 号');
  await fillField(page, 'subject.mailing_address', '北京市东城区示例路 1 号 2 栋 301 室');
  await fillField(page, 'subject.remark', '应急联系电话使用人为家属');
  check(!(await page.locator('[data-field="subject.certificate.number"] .el-form-item__error').isVisible()),
    `${tag}: the mark goes once the number is right`);
  await page.click('[data-test=next]');
  await page.waitForSelector('[data-step=principals]');
  await fillField(page, 'subject.principal.name', c.name);
  await fillField(page, 'subject.principal.certificate.number', c.id);
  await fillField(page, 'subject.principal.certificate_valid_until', '2036-01-01');
  await fillField(page, 'subject.principal.mobile', c.mobile);
  await fillField(page, 'subject.principal.emergency_contact', '13900139000');
  await fillField(page, 'subject.principal.email', `${c.login}@example.com`);
  await inspect(page, `${tag}-wizard-2-principals`);
  await page.click('[data-test=next]');
  await page.waitForSelector('[data-step=websites]');
  await fillField(page, 'websites[0].name', '读书');
  await fillField(page, 'websites[0].domains[0]', c.domain);
  await fillField(page, 'websites[0].remark',
    '本网站是个人网站，不含有企业、单位等非个人网站的信息，网站主要内容为个人读书笔记，预计一个月内开通。');
  await inspect(page, `${tag}-wizard-3-websites`);
  await page.click('[data-test=next]');
  await page.waitForSelector('[data-step=resources]');
  await page.click(`[data-resource="${c.resource}"]`);
  await inspect(page, `${tag}-wizard-4-resources`);
  if (tag === 'desktop') {
    // A domain filed under another subject (the demo's acme-shop.com): the type check's
    // conflict comes back on the very field it names, in the websites step.
    await page.click('[data-test=back]');
    await fillField(page, 'websites[0].domains[0]', 'acme-shop.com');
    await page.click('[data-test=next]');
    await page.click('[data-test=next]');
    const error = page.locator('[data-step=websites] [data-field="websites[0].domains[0]"] .el-form-item__error');
    check(await error.waitFor({ timeout: 10000 }).then(() => true, () => false),
      `${tag}: the server's conflict is shown on websites[0].domains[0]`);
    await inspect(page, `${tag}-wizard-3-websites-conflict`);
    await fillField(page, 'websites[0].domains[0]', c.domain);
    check(!(await error.isVisible()), `${tag}: the server's mark goes when the field is edited`);
    await page.click('[data-test=next]');
  }
  await page.click('[data-test=next]');
  await page.waitForSelector('[data-step=materials]', { timeout: 15000 });
  check((await page.textContent('[data-test=type-label]'))?.includes('首次备案'), `${tag}: the type check says 首次备案`);
  const rows = page.locator('[data-material]');
  const n = await rows.count();
  check(n >= 2, `${tag}: the checklist names the materials (${n})`);
  if (tag === 'desktop') {
    // The draft's checklist is icpd's: the draft the wizard just made opens with the same
    // materials in a new browser (nothing of this one's storage), before any upload.
    const api = new Api(c.base);
    await api.must('POST', '/v1/sessions', { login: c.login, password: c.password });
    const drafts = (await api.must('GET', '/v1/applications?limit=100')).json.items.filter((a) => a.state === 'draft');
    const draftId = Math.max(...drafts.map((a) => a.id));
    const fresh = await page.context().browser().newContext({ viewport: page.viewportSize(), locale: 'zh-CN' });
    const other = await fresh.newPage();
    watch(other, `${tag} customer, another browser`);
    await signIn(other, c.base, c.login, c.password);
    await other.goto(`${c.base}/console/applications/${draftId}`);
    await other.waitForSelector('[data-test=draft] [data-material]');
    const there = await other.locator('[data-test=draft] [data-material]').count();
    check(there === n, `${tag}: the wizard's draft #${draftId} opens in another browser with its checklist (${there} of ${n})`);
    await inspect(other, `${tag}-application-draft-other-browser`);
    await fresh.close();
  }
  for (let i = 0; i < n; i++) {
    await rows.nth(i).locator('input[type=file]').setInputFiles({ name: `m${i}.png`, mimeType: 'image/png', buffer: PNG });
    await rows.nth(i).locator('.el-tag').waitFor({ timeout: 10000 });
  }
  check((await page.locator('[data-material] .el-progress').count()) === n, `${tag}: each upload shows its progress bar`);
  await inspect(page, `${tag}-wizard-5-materials`);
  await page.click('[data-test=next]');
  await page.waitForSelector('[data-step=verification]');
  await inspect(page, `${tag}-wizard-6-verification`);
  await page.click('[data-test=next]');
  await page.waitForSelector('[data-step=confirm]');
  await inspect(page, `${tag}-wizard-7-confirm`);
  await page.click('[data-test=submit]');
  await page.waitForURL(/\/console\/applications\/\d+/, { timeout: 15000 });
  const id = Number(/applications\/(\d+)/.exec(page.url())[1]);
  await page.waitForSelector('[data-state=provider_review]');
  await inspect(page, `${tag}-application-submitted`);
  return id;
}

async function reviewerOpens(page, base, id, tag) {
  await page.goto(`${base}/console/review`);
  await page.waitForSelector(`[data-test=queue] [data-application="${id}"]`);
  await inspect(page, `${tag}-review-queue`);
  await page.click(`[data-test=queue] [data-application="${id}"] a`);
  await page.waitForSelector('[data-test=fields]');
}

async function act(page, test) {
  const before = await page.getAttribute('[data-state]', 'data-state');
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && /:(claim|contact|pass|return)$/.test(r.url()));
  await page.click(`[data-test=${test}]`);
  const r = await response;
  check(r.status() === 200, `reviewer ${test}: ${r.status()} (from ${before})`);
  await page.waitForSelector('[data-busy=false]', { timeout: 5000 }).catch(() => {}); // gone once it navigates
}

async function journey(browser, env, c, viewport, tag) {
  const customerContext = await browser.newContext({ viewport, locale: 'zh-CN' });
  const reviewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const customer = await customerContext.newPage();
  const reviewer = await reviewerContext.newPage();
  watch(customer, `${tag} customer`);
  watch(reviewer, `${tag} reviewer`);
  const api = new Api(env.url);
  await api.must('POST', '/v1/sessions', { login: c.login, password: c.password });

  await customer.goto(`${env.url}/console/`);
  await customer.waitForURL(/sign-in/);
  await inspect(customer, `${tag}-sign-in`);
  await signIn(customer, env.url, c.login, c.password);
  await customer.waitForSelector('[data-loaded=true]');
  await inspect(customer, `${tag}-dashboard-empty`);
  await customer.goto(`${env.url}/console/type-check`);
  await inspect(customer, `${tag}-type-check`);
  await customer.goto(`${env.url}/console/codes`);
  await customer.waitForSelector('[data-test=codes]');
  await inspect(customer, `${tag}-codes`);
  if (env.codeFor?.[tag]) {
    // A code another account generated for its server, redeemed here.
    const code = env.codeFor[tag];
    await customer.fill('#redeem-code', code);
    await customer.click('[data-test=redeem]');
    await customer.waitForSelector('[data-test=redeemed]');
    await customer.waitForSelector(`[data-test=codes] td code:text-is("${code}")`);
    check((await customer.textContent('[data-test=codes]'))?.includes('used'), `${tag}: the redeemed code is listed as used`);
    await inspect(customer, `${tag}-codes-redeemed`);
  }

  const id = await fileInWizard(customer, { ...c, base: env.url }, tag);
  check((await appState(api, id)) === 'provider_review', `${tag}: #${id} is in provider review`);

  // The reviewer returns it with a reason on the website's name, from the keyboard.
  await signIn(reviewer, env.url, 'reviewer', 'reviewer-demo');
  await reviewerOpens(reviewer, env.url, id, tag);
  await act(reviewer, 'claim');
  await act(reviewer, 'reached');
  const row = reviewer.locator('[data-test=fields] tr[data-path="websites[0].name"]');
  await row.click();
  await reviewer.keyboard.press('r');
  await reviewer.locator('[data-reason="websites[0].name"] textarea').fill('网站名称过于笼统，不能体现网站内容');
  await inspect(reviewer, `${tag}-review-application`);
  await act(reviewer, 'return');
  check((await appState(api, id)) === 'provider_returned', `${tag}: returned`);

  // The customer sees the reason on that very field, fixes it and resubmits.
  await customer.goto(`${env.url}/console/`);
  await customer.waitForSelector(`[data-application="${id}"]`);
  check((await customer.textContent(`[data-application="${id}"] [data-test=next-step]`))?.includes('驳回'),
    `${tag}: the dashboard says what to do next`);
  await inspect(customer, `${tag}-dashboard-returned`);
  await customer.goto(`${env.url}/console/applications/${id}`);
  const field = customer.locator('[data-test=fix] [data-field="websites[0].name"]');
  await field.waitFor();
  check((await field.locator('[data-test=return-reason]').textContent())?.includes('网站名称过于笼统'),
    `${tag}: the reason is shown on websites[0].name`);
  await inspect(customer, `${tag}-application-returned`);
  await field.locator('input').fill(`${c.name}的读书笔记`);
  await customer.click('[data-test=resubmit]');
  await customer.waitForSelector('[data-state=provider_review]');
  const doc = (await api.must('GET', `/v1/applications/${id}`)).json;
  check(doc.document.websites[0].name === `${c.name}的读书笔记` && doc.round === 2, `${tag}: resubmitted with the fix (round ${doc.round})`);

  // The reviewer passes it (with the keyboard: C a reached call, P pass) to verification.
  await reviewerOpens(reviewer, env.url, id, tag);
  const called = reviewer.waitForResponse((r) => /:contact$/.test(r.url()));
  await reviewer.keyboard.press('c');
  check((await called).status() === 200, `${tag}: C records a reached call`);
  await reviewer.waitForSelector('[data-busy=false]');
  await reviewer.keyboard.press('p');
  await reviewer.waitForSelector('[data-state=verification]');
  check((await appState(api, id)) === 'verification', `${tag}: passed to verification`);

  // The customer sends the curtain photo; the reviewer accepts it and passes it on.
  await customer.goto(`${env.url}/console/applications/${id}`);
  await customer.waitForSelector('[data-test=verification]');
  await inspect(customer, `${tag}-application-verification`);
  await customer.locator('#curtain').setInputFiles({ name: 'curtain.png', mimeType: 'image/png', buffer: PNG });
  await customer.waitForSelector('[data-test=verification] li');
  await reviewer.reload();
  const accepted = reviewer.waitForResponse((r) => /:review$/.test(r.url()));
  await reviewer.click('[data-test=accept-verification]');
  check((await accepted).status() === 200, `${tag}: the reviewer accepts the curtain photo`);
  await act(reviewer, 'pass');

  // The bureau: the gateway sends it; the leader enters the SMS codes; the bureau approves.
  const sms = await waitState(api, id, ['sms_pending', 'bureau_review', 'approved'], 40);
  check(sms === 'sms_pending', `${tag}: at the bureau, SMS verification pending (${sms})`);
  const used = new Set();
  const until = Date.now() + 30000;
  while (Date.now() < until && (await appState(api, id)) === 'sms_pending') {
    const m = await (await fetch(`${env.bureau}/test/messages?to=${c.mobile}`)).json();
    for (const msg of m.messages ?? []) {
      const code = /核验码为(\d{6})/.exec(msg.text)?.[1];
      if (!code || used.has(code)) continue;
      used.add(code);
      const r = await fetch(`${env.bureau}/portal/api/sms/verify`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ mobile: c.mobile, code, certificate_tail: c.id.slice(-6) }),
      });
      check(r.ok, `${tag}: SMS code ${code} verified at the bureau (${r.status})`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const final = await waitState(api, id, ['approved', 'bureau_returned'], 60);
  check(final === 'approved', `${tag}: approved by the bureau (${final})`);
  await customer.goto(`${env.url}/console/applications/${id}`);
  await customer.waitForSelector('[data-state=approved]');
  await inspect(customer, `${tag}-application-approved`);

  // The number on the dashboard and in the public query.
  await customer.goto(`${env.url}/console/`);
  const number = customer.locator('[data-test=website-number]', { hasText: /ICP备/ });
  await number.first().waitFor({ timeout: 15000 });
  const shown = (await number.first().textContent())?.trim();
  check(/^京ICP备\d+号-1$/.test(shown ?? ''), `${tag}: the dashboard shows the website's number (${shown})`);
  await inspect(customer, `${tag}-dashboard-approved`);

  // 站内消息: the provider's return and the bureau's approval, in the words of the SMS and
  // e-mail; the header's badge counts the unread ones; reading one marks it read (the badge
  // follows), and it links to its application.
  const unreadBefore = (await api.must('GET', '/v1/notifications/unread-count')).json.unread;
  const badge = customer.locator('[data-test=unread-badge]');
  await badge.waitFor({ timeout: 10000 });
  check(Number((await badge.textContent())?.trim()) === unreadBefore && unreadBefore >= 2,
    `${tag}: the header's badge shows ${unreadBefore} unread messages`);
  await customer.click('[data-test="nav-/notifications"]');
  const approvedNote = customer.locator('[data-test=notifications] li', { hasText: `备案申请 ${id} 已通过管局审核` });
  await approvedNote.waitFor({ timeout: 10000 });
  check((await approvedNote.textContent())?.includes('备案号已下发'), `${tag}: the bureau's approval is in the messages, as by SMS`);
  check(await customer.locator('[data-test=notifications] li', { hasText: `备案申请 ${id} 初审未通过` }).count() === 1,
    `${tag}: the provider's return is in the messages`);
  await inspect(customer, `${tag}-notifications`);
  await approvedNote.locator('[data-test^=read-]').click();
  await approvedNote.locator('[data-test^=read-]').waitFor({ state: 'detached' });
  const unreadAfter = (await api.must('GET', '/v1/notifications/unread-count')).json.unread;
  check(unreadAfter === unreadBefore - 1, `${tag}: reading one leaves ${unreadAfter} unread`);
  await customer.waitForFunction((n) => (document.querySelector('[data-test=unread-badge]')?.textContent?.trim() ?? '0') === String(n), unreadAfter);
  await inspect(customer, `${tag}-notifications-read`);
  await approvedNote.locator('[data-test=note-application]').click();
  await customer.waitForURL(new RegExp(`/console/applications/${id}$`));
  await customer.waitForSelector('[data-state=approved]');

  const publicContext = await browser.newContext({ viewport, locale: 'zh-CN' });
  const anyone = await publicContext.newPage();
  watch(anyone, `${tag} public`);
  await anyone.goto(`${env.url}/console/query`);
  await anyone.fill('[data-field=domain] input', c.domain);
  await anyone.click('[data-test=search]');
  await anyone.waitForSelector('[data-test=query-number]', { timeout: 10000 });
  check((await anyone.textContent('[data-test=query-number]'))?.trim() === shown,
    `${tag}: the public query shows ${shown} for ${c.domain} without sign-in`);
  const subjectShown = (await anyone.textContent('[data-test=query-subject]'))?.trim() ?? '';
  check(subjectShown.startsWith(c.name[0]) && !subjectShown.includes(c.name),
    `${tag}: the public query masks the person's name (${subjectShown})`);
  await inspect(anyone, `${tag}-public-query`);
  // By the subject's number: its website is listed.
  await anyone.click('[data-test=query-by] label:nth-child(2)');
  await anyone.fill('[data-field=number] input', shown.replace(/-1$/, ''));
  const byNumber = anyone.waitForResponse((r) => r.url().includes('/v1/public/records?number='));
  await anyone.click('[data-test=search]');
  const numberAnswer = await byNumber;
  check(numberAnswer.status() === 200 && (numberAnswer.headers()['cache-control'] ?? '').includes('max-age=60'),
    `${tag}: the public query by number answers 200, cacheable`);
  await anyone.waitForSelector(`[data-website-number="${shown}"]`, { timeout: 10000 });
  await inspect(anyone, `${tag}-public-query-number`);
  await publicContext.close();

  if (tag === 'phone') {
    // 变更网站 from the dashboard: a draft of the website as filed; the new name is typed on the
    // application page, the checklist's materials uploaded, and the submit saves and submits.
    await customer.goto(`${env.url}/console/`);
    await customer.click(`[data-website="${c.domain}"] [data-test=change-website]`);
    await customer.waitForURL(/\/console\/applications\/\d+/);
    const changeId = Number(/applications\/(\d+)/.exec(customer.url())[1]);
    const nameField = customer.locator('[data-test=change] [data-field="websites[0].name"] input');
    await nameField.waitFor();
    await nameField.fill(`${c.name}的读书与生活笔记`);
    const rows = customer.locator('[data-test=draft] [data-material]');
    for (let i = 0; i < await rows.count(); i++) {
      await rows.nth(i).locator('input[type=file]').setInputFiles({ name: `c${i}.png`, mimeType: 'image/png', buffer: PNG });
      await rows.nth(i).locator('.el-tag').waitFor({ timeout: 10000 });
    }
    await inspect(customer, `${tag}-application-change-draft`);
    await customer.click('[data-test=submit-draft]');
    await customer.waitForSelector('[data-state=provider_review]', { timeout: 15000 });
    const changed = (await api.must('GET', `/v1/applications/${changeId}`)).json;
    check(changed.type === 'change_website' && changed.document.websites[0].name === `${c.name}的读书与生活笔记`,
      `${tag}: the change of the website's name is submitted (${changed.type}, ${changed.state})`);
  }

  if (tag === 'desktop') {
    // 取消接入 is irreversible once submitted: the dashboard asks first, then opens the draft
    // made from the documents on record, with its materials checklist.
    await customer.goto(`${env.url}/console/`);
    await customer.click(`[data-website="${c.domain}"] [data-test=cancel-access]`);
    const dialog = customer.locator('.el-message-box');
    await dialog.waitFor();
    check((await dialog.textContent())?.includes('不可撤回'), `${tag}: cancel access asks for an irreversible-action confirmation`);
    await inspect(customer, `${tag}-dashboard-cancel-confirm`);
    await dialog.locator('.el-button--primary').click();
    await customer.waitForURL(/\/console\/applications\/\d+/);
    await customer.waitForSelector('[data-test=draft] [data-test=checklist]');
    const draft = Number(/applications\/(\d+)/.exec(customer.url())[1]);
    const made = (await api.must('GET', `/v1/applications/${draft}`)).json;
    check(made.type === 'cancel_access' && made.state === 'draft' && made.document.websites[0].domains[0] === c.domain,
      `${tag}: a cancel-access draft of ${c.domain} (${made.type}, ${made.state})`);
    await inspect(customer, `${tag}-application-cancel-draft`);
  }
  await customerContext.close();
  await reviewerContext.close();
}

// The operator's pages besides accounts, at the page's viewport.
async function operatorSubpages(page, env, tag) {
  // The records import: a refusal names the field; then a unit's records are imported.
  await page.goto(`${env.url}/console/operator/records`);
  await page.fill('#records-json', JSON.stringify({ subjects: [{ account: 0 }] }));
  await page.click('[data-test=records-import]');
  await page.waitForSelector('[data-test=records-problems]');
  check((await page.textContent('[data-test=records-problems]'))?.includes('subjects[0]'),
    `${tag}: the records import names the bad field`);
  await inspect(page, `${tag}-operator-records-refused`);
  if (env.unitImport) {
    await page.fill('#records-json', JSON.stringify(env.unitImport));
    await page.click('[data-test=records-import]');
    await page.waitForSelector('[data-test=records-report]');
    check((await page.textContent('[data-test=records-created]'))?.trim() === '2', `${tag}: the records import creates a subject and its website`);
    await inspect(page, `${tag}-operator-records`);
    env.unitImport = null;
  }
  // The rules in force, read-only, with sources and dates.
  await page.goto(`${env.url}/console/operator/rules`);
  await page.waitForSelector('[data-test=rules-detail] [data-check]');
  check((await page.textContent('[data-test=rules-version]'))?.includes('44'), `${tag}: the rules in force name Guangdong's version`);
  check((await page.locator('[data-test=reference] tbody tr').count()) === 5, `${tag}: the reference data files are listed`);
  await inspect(page, `${tag}-operator-rules`);
  // The audit log and its verification.
  await page.goto(`${env.url}/console/operator/audit`);
  await page.waitForSelector('[data-test=audit-intact]');
  check((await page.locator('[data-test=audit] tbody tr[data-action]').count()) > 0, `${tag}: the audit log lists entries`);
  await inspect(page, `${tag}-operator-audit`);
  // The outbox's dead letters; the one the raw writer put there is retried.
  await page.goto(`${env.url}/console/operator/outbox`);
  await page.waitForSelector('[data-loaded=true]');
  if (env.deadLetter) {
    const button = page.locator(`[data-test=retry-${env.deadLetter}]`);
    await button.waitFor();
    await inspect(page, `${tag}-operator-outbox`);
    const retried = page.waitForResponse((r) => /\/v1\/admin\/outbox\/\d+:retry$/.test(r.url()));
    await button.click();
    check((await retried).status() === 200, `${tag}: the dead letter is retried`);
    await page.goto(`${env.url}/console/operator/audit`);
    await page.waitForSelector('[data-test=audit-intact]');
    while (await page.locator('[data-test=audit-more]').isVisible()) {
      await page.click('[data-test=audit-more]');
      await page.waitForLoadState('networkidle');
    }
    check((await page.locator('[data-test=audit] tr[data-action="outbox.retry"]').count()) === 1, `${tag}: the retry is in the audit log`);
    env.deadLetter = null;
  } else {
    await inspect(page, `${tag}-operator-outbox`);
  }
}

async function operatorPages(browser, env) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  watch(page, 'admin');
  await signIn(page, env.url, 'admin', 'admin-demo');
  await page.waitForSelector('[data-test=accounts] tbody tr');
  await page.fill('#gate-host', 'www.wangwu-notes.cn');
  await page.click('[data-test=gate-lookup]');
  await page.waitForSelector('[data-test=gate-result]');
  check((await page.textContent('[data-test=gate-result]'))?.startsWith('allow'), 'the operator\'s gate lookup allows the filed domain');
  await inspect(page, 'desktop-operator');
  // The English console.
  await page.click('header button.linkish:not([data-test])');
  await page.waitForSelector('text=Operations');
  await inspect(page, 'desktop-operator-en');
  await page.click('header button.linkish:not([data-test])');
  await operatorSubpages(page, env, 'desktop');
  await context.close();

  // The same pages at 375 px.
  const narrow = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
  const phone = await narrow.newPage();
  watch(phone, 'admin at 375 px');
  await signIn(phone, env.url, 'admin', 'admin-demo');
  await phone.waitForSelector('[data-test=accounts] tbody tr');
  await inspect(phone, 'phone-operator');
  await operatorSubpages(phone, env, 'phone');
  await narrow.close();

  // The public query by unit name finds the unit imported above (a person's name is never
  // searched).
  const publicContext = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
  const anyone = await publicContext.newPage();
  watch(anyone, 'public, by unit name');
  await anyone.goto(`${env.url}/console/query`);
  await anyone.click('[data-test=query-by] label:nth-child(3)');
  await anyone.fill('[data-field=unit_name] input', UNIT_NAME);
  await anyone.click('[data-test=search]');
  await anyone.waitForSelector(`[data-website-number="${UNIT_WEBSITE}"]`, { timeout: 10000 });
  check(true, 'the public query by unit name lists the unit\'s website');
  await inspect(anyone, 'phone-public-query-unit');
  await publicContext.close();
}

const UNIT_NAME = '上海示例信息技术有限公司';
const UNIT_WEBSITE = '沪ICP备2026123456号-1';

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'beian-console-'));
  const data = join(work, 'var');
  mkdirSync(data);
  const run = (args, extra = {}) => {
    const r = spawnSync(ICPCTL, args, { env: { ...icpdEnv(), ...extra }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`icpctl ${args.join(' ')}: ${r.stderr}`);
  };
  run(['db', 'migrate', '--data-dir', data]);
  run(['accounts', 'bootstrap', '--data-dir', data, '--login', 'admin'], { ICP_NEW_PASSWORD: 'admin-demo' });
  const env = await startIcpd(data);
  let browser;
  try {
    // The demo's accounts (reviewer, …) and records, over the API (scripts/demo-data.py).
    const demo = spawnSync('/usr/bin/python3', [join(REPO, 'scripts', 'demo-data.py'), env.url, 'admin', 'admin-demo'], { encoding: 'utf8' });
    if (demo.status !== 0) throw new Error(`demo-data.py: ${demo.stderr}`);
    const admin = new Api(env.url);
    await admin.must('POST', '/v1/sessions', { login: 'admin', password: 'admin-demo' });
    const desktop = { login: 'wangwu', password: 'wangwu-pass-1', name: '王五', id: residentId('11010119850315123'),
      mobile: '13600136000', domain: 'wangwu-notes.cn', resource: 'ins-wangwu-1', ip: '203.0.113.31' };
    const phone = { login: 'zhaoliu', password: 'zhaoliu-pass-1', name: '赵六', id: residentId('11010219920520234'),
      mobile: '13500135000', domain: 'zhaoliu-notes.cn', resource: 'ins-zhaoliu-1', ip: '203.0.113.32' };
    await makeCustomer(admin, desktop);
    await makeCustomer(admin, phone);
    // The demo's enterprise customer's code for its server (only units generate codes), for
    // the desktop customer to redeem.
    const acme = new Api(env.url);
    await acme.must('POST', '/v1/sessions', { login: 'acme', password: 'acme-demo' });
    const code = await acme.must('POST', '/v1/authorization-codes', { server_id: 'ins-acme-1' });
    env.codeFor = { desktop: code.json.code };
    // A unit's filed records for the operator's import page (owned by the phone customer).
    const owner = (await admin.must('GET', '/v1/accounts?limit=100')).json.items.find((a) => a.login === phone.login);
    env.unitImport = { subjects: [unitRecord(owner.id)] };
    // A dead letter, written by a raw writer (plain sqlite3, no Beian code) as a dispatcher
    // that gave up would leave it.
    const dead = spawnSync('/usr/bin/python3', ['-c', `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
with db:
    c = db.execute("INSERT INTO outbox (topic, idempotency_key, payload, available_at, attempts, dead_at, last_error) "
                   "VALUES ('console-test', 'console-test:dead:1', '{}', 0, 8, 0, 'e2e: the receiver refused it')")
print(c.lastrowid)`, join(data, 'icp.db')], { encoding: 'utf8' });
    if (dead.status !== 0) throw new Error(`dead letter: ${dead.stderr}`);
    env.deadLetter = Number(dead.stdout.trim());

    // Served as icpd says: hashed assets immutable, the page revalidated, /v1 untouched.
    const index = await fetch(`${env.url}/console/`);
    const html = await index.text();
    check(index.headers.get('cache-control') === 'no-cache', 'the console page is revalidated (no-cache)');
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const a = await fetch(env.url + asset, { headers: { 'Accept-Encoding': 'gzip' } });
    check(a.headers.get('cache-control') === 'public, max-age=31536000, immutable', `${asset} is immutable`);
    // fetch undoes the gzip: what the browser runs must be byte for byte the file itself.
    const plain = await fetch(env.url + asset, { headers: { 'Accept-Encoding': 'identity' } });
    check(a.headers.get('content-encoding') === 'gzip' && !plain.headers.get('content-encoding') &&
      (await a.text()) === (await plain.text()), `${asset} gzipped is the same script as sent plain`);
    check((await fetch(`${env.url}/v1/applications`)).status === 401, '/v1 stays the API beside the console');

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    await journey(browser, env, desktop, { width: 1280, height: 900 }, 'desktop');
    await journey(browser, env, phone, { width: 375, height: 812 }, 'phone');
    await operatorPages(browser, env);
  } catch (e) {
    check(false, `the journey runs to its end: ${e.stack ?? e}`);
    console.error(env.log().slice(-3000));
  } finally {
    await browser?.close();
    env.proc.kill('SIGTERM');
    await new Promise((r) => env.proc.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`${pagesSeen.size} pages checked, screenshots in ${SHOTS}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failures.length) {
    console.error(`${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('console_test: all checks passed');
}

await main();
