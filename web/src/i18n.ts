// The console's words: 简体中文 first, English second (the language menu switches; the
// choice is kept in localStorage).
import { createI18n } from 'vue-i18n';

const zh = {
  app: { title: 'Beian 备案控制台', signOut: '退出登录', language: 'English', skip: '跳到主要内容' },
  nav: { dashboard: '总览', apply: '新增备案', typeCheck: '验证备案类型', review: '审核队列', query: '备案查询', operator: '运维', codes: '授权码', notifications: '消息' },
  signIn: { title: '登录备案控制台', login: '账号', password: '密码', submit: '登录', failed: '登录失败', query: '无需登录：备案查询' },
  dash: {
    subjects: '备案主体', websites: '网站', numbers: '备案号', open: '进行中的申请', none: '暂无', newFiling: '开始备案',
    next: '下一步', state: '状态', due: '截止', type: '类型', view: '查看', cancelled: '已注销',
  },
  next: {
    draft: '补全资料并提交', provider_review: '等待初审（请保持电话畅通）', provider_returned: '按驳回原因逐项修改后重新提交',
    verification: '上传幕布照片完成身份核验', ready_for_bureau: '等待提交管局', sms_pending: '请在 24 小时内完成工信部短信核验',
    bureau_review: '等待管局审核', approved: '备案完成：请在网站首页底部注明备案号，并链接到 https://beian.miit.gov.cn', bureau_returned: '管局退回：按原因修改后重新提交',
    withdrawn: '已撤回', abandoned: '已放弃', expired: '已过期',
  },
  steps: { subject: '主办单位', principals: '负责人', websites: '网站信息', resources: '接入资源', materials: '上传材料', verification: '核验方式', confirm: '确认提交' },
  f: {
    subjectType: '主办单位性质', individual: '个人', enterprise: '企业', subjectName: '主办单位名称 / 姓名',
    certType: '证件类型', certNumber: '证件号码', region: '证件所在地区划代码', certAddress: '证件住所', mailingAddress: '通讯地址',
    remark: '备注', leaderName: '负责人姓名', validUntil: '证件有效期至', mobile: '手机号码', emergency: '应急联系电话', email: '电子邮箱',
    sameLeader: '网站负责人与主体负责人相同', websiteName: '网站名称', domain: '网站域名', homeUrl: '网站首页 URL', websiteRemark: '网站备注',
    resource: '接入资源（云服务器）', resident_id: '居民身份证', business_licence: '营业执照（统一社会信用代码）',
  },
  wiz: {
    title: '备案申请', next: '下一步', back: '上一步', save: '保存', submit: '提交初审', typeIs: '备案类型', conflicts: '冲突',
    noResources: '没有可用于备案的资源', eligible: '可备案', notEligible: '不可备案', checklist: '材料清单', upload: '上传', uploaded: '已上传',
    verifyText: '初审通过后，需要上传负责人本人手持证件在幕布前的照片完成身份核验；管局受理后，工信部会向负责人手机发送短信核验码，请在 24 小时内完成核验。',
    verifyMethod: '核验方式', curtain: '幕布拍照', confirmText: '请确认以上信息真实有效。提交后进入接入商初审。', submitted: '已提交初审',
    fixFirst: '请先修正标出的字段', created: '申请已创建',
  },
  appl: {
    title: '申请详情', timeline: '进度', reasons: '驳回原因', fix: '修改并重新提交', resubmit: '重新提交', suggestion: '建议',
    materials: '材料', verification: '身份核验', uploadCurtain: '上传幕布照片', dueWorking: '截止（按工作日计算）', saved: '已保存并重新提交',
    withdraw: '撤回申请', irreversible: '此操作不可撤销，确定继续吗？', confirm: '确定', cancel: '取消', bureau: '管局意见',
  },
  review: {
    queue: '审核队列', oldest: '最早提交优先', dueBefore: '截止早于', claim: '领取', open: '审核', reached: '已接通', missed: '未接通',
    contact: '联系负责人', pass: '通过', ret: '驳回', reason: '驳回原因', suggestion: '修改建议', field: '字段', addReason: '对此字段驳回',
    shortcuts: '快捷键：J/K 上下切换字段，R 对当前字段驳回，P 通过，C 记录已接通', noItems: '队列为空', verification: '核验照片', accept: '核验通过',
    returned: '已驳回', passed: '已通过', materials: '材料',
  },
  cancel: {
    cancel_subject: '注销主体', cancel_website: '注销网站', cancel_access: '取消接入', actions: '操作',
    warn: {
      cancel_subject: '注销主体将注销该主体及其下全部网站的备案号，提交后不可撤回、不可恢复。确定继续吗？',
      cancel_website: '注销网站将注销该网站的备案号，提交后不可撤回、不可恢复。确定继续吗？',
      cancel_access: '取消接入后，本接入商将不再为该网站提供服务；若网站没有其他接入商，备案将被注销。提交后不可撤回。确定继续吗？',
    },
  },
  notes: {
    title: '站内消息', hint: '备案进度的通知：与发送到您手机和邮箱的短信、邮件内容相同。', unread: '未读 {n} 条', readAll: '全部标为已读',
    markRead: '标为已读', new: '未读', none: '暂无消息', application: '备案申请 {id}', readAt: '{at} 已读', badge: '{n} 条未读消息',
  },
  codes: { generate: '生成授权码', revoke: '作废', created: '生成时间', redeem: '使用授权码', redeemHint: '输入其他账户提供的授权码，即可在其云服务器上为本账户的网站备案。', code: '授权码', redeemed: '已使用' },
  query: {
    title: '备案查询', hint: '按域名、备案号或单位名称查询在本接入商备案的网站', domain: '域名', search: '查询', filed: '已备案', notFiled: '未在本接入商备案', number: '备案号',
    by: '查询方式', unitName: '单位名称', national: '仅查询本接入商的备案记录；全国备案信息请到工信部政务服务平台（beian.miit.gov.cn）查询。个人姓名已脱敏，不支持按个人姓名查询。',
    websiteNumber: '网站备案号', subject: '主办单位', subjectNumber: '主体备案号', unit: '单位', more: '加载更多',
  },
  change: { change_subject: '变更主体', change_website: '变更网站', edit: '变更内容', hint: '修改需要变更的字段，上传材料后提交初审；提交时一并保存。' },
  op: {
    title: '运维', accounts: '账户', rules: '生效规则', login: '账号', role: '角色', name: '名称', status: '状态', realName: '实名', newAccount: '新建账户', create: '创建', created: '已创建', save: '保存', saved: '已保存', account: '账户', resources: '导入接入资源', csv: 'CSV（首行为列名）', import: '导入', imported: '已导入', gate: '接入网关查询',
    records: '导入备案记录', audit: '审计日志', outbox: '发件箱死信', rulesHint: '只读：规则随 icpd 启动时的规则目录生效，修改规则文件后重启 icpd。', province: '省份', version: '版本', checks: '项检查', check: '检查项',
    severity: '级别', source: '来源', effective: '生效日期', reference: '参考数据', file: '文件', intact: '哈希链完整', broken: '哈希链断裂', entries: '条记录', head: '链头', verify: '重新校验',
    when: '时间', actor: '操作者', action: '操作', details: '详情', pending: '待投递', delivered: '已投递', dead: '死信', undelivered: '全部未投递', topic: '主题', lastError: '最后错误', retry: '重试', retried: '已重新排队',
    recordsHint: '导入原系统的已备案主体与网站（JSON，格式见 docs/records.md）：全部导入或全部不导入，问题按字段列出。', jsonFile: '选择 JSON 文件', json: 'JSON', notJson: '不是有效的 JSON', problems: '问题', unchanged: '未变化', outcome: '结果',
  },
  state: {
    draft: '草稿', provider_review: '初审中', provider_returned: '初审驳回', verification: '待核验', ready_for_bureau: '待提交管局',
    sms_pending: '待短信核验', bureau_review: '管局审核中', approved: '已通过', bureau_returned: '管局退回', withdrawn: '已撤回',
    abandoned: '已放弃', expired: '已过期',
  },
};

type Messages = typeof zh;

const en: Messages = {
  app: { title: 'Beian console', signOut: 'Sign out', language: '简体中文', skip: 'Skip to main content' },
  nav: { dashboard: 'Overview', apply: 'New filing', typeCheck: 'Check filing type', review: 'Review queue', query: 'Filing query', operator: 'Operations', codes: 'Authorization codes', notifications: 'Messages' },
  signIn: { title: 'Sign in to the filing console', login: 'Login', password: 'Password', submit: 'Sign in', failed: 'Sign-in failed', query: 'No sign-in: filing query' },
  dash: {
    subjects: 'Subjects', websites: 'Websites', numbers: 'Numbers', open: 'Open applications', none: 'None', newFiling: 'Start a filing',
    next: 'Next step', state: 'State', due: 'Due', type: 'Type', view: 'View', cancelled: 'Cancelled',
  },
  next: {
    draft: 'Complete and submit', provider_review: 'Awaiting provider review (keep your phone on)', provider_returned: 'Fix the returned fields and resubmit',
    verification: 'Upload the curtain photo for identity verification', ready_for_bureau: 'Waiting to be sent to the bureau', sms_pending: 'Answer the MIIT SMS within 24 hours',
    bureau_review: 'Under bureau review', approved: 'Filed: show the number at the foot of the home page, linked to https://beian.miit.gov.cn', bureau_returned: 'Returned by the bureau: fix and resubmit',
    withdrawn: 'Withdrawn', abandoned: 'Abandoned', expired: 'Expired',
  },
  steps: { subject: 'Subject', principals: 'Principals', websites: 'Websites', resources: 'Resources', materials: 'Materials', verification: 'Verification', confirm: 'Confirm' },
  f: {
    subjectType: 'Subject type', individual: 'Person', enterprise: 'Enterprise', subjectName: 'Subject name',
    certType: 'Certificate type', certNumber: 'Certificate number', region: 'Region code', certAddress: 'Certificate address', mailingAddress: 'Mailing address',
    remark: 'Remark', leaderName: 'Leader name', validUntil: 'Certificate valid until', mobile: 'Mobile', emergency: 'Emergency contact', email: 'E-mail',
    sameLeader: 'The website leader is the subject leader', websiteName: 'Website name', domain: 'Domain', homeUrl: 'Home page URL', websiteRemark: 'Website remark',
    resource: 'Resource (cloud server)', resident_id: 'Resident ID card', business_licence: 'Business licence (credit code)',
  },
  wiz: {
    title: 'Filing application', next: 'Next', back: 'Back', save: 'Save', submit: 'Submit for review', typeIs: 'Filing type', conflicts: 'Conflicts',
    noResources: 'No resource can carry a filing', eligible: 'Eligible', notEligible: 'Not eligible', checklist: 'Materials checklist', upload: 'Upload', uploaded: 'Uploaded',
    verifyText: 'After the provider review, upload a photo of the leader holding the certificate in front of the curtain; once the bureau accepts the filing, MIIT texts a code to each leader, to be entered within 24 hours.',
    verifyMethod: 'Verification method', curtain: 'Curtain photo', confirmText: 'Confirm the information is true. Submitting sends it to the provider review.', submitted: 'Submitted for review',
    fixFirst: 'Fix the marked fields first', created: 'Application created',
  },
  appl: {
    title: 'Application', timeline: 'Timeline', reasons: 'Return reasons', fix: 'Fix and resubmit', resubmit: 'Resubmit', suggestion: 'Suggestion',
    materials: 'Materials', verification: 'Identity verification', uploadCurtain: 'Upload curtain photo', dueWorking: 'Due (working days)', saved: 'Saved and resubmitted',
    withdraw: 'Withdraw', irreversible: 'This cannot be undone. Continue?', confirm: 'Confirm', cancel: 'Cancel', bureau: 'Bureau says',
  },
  review: {
    queue: 'Review queue', oldest: 'Oldest first', dueBefore: 'Due before', claim: 'Claim', open: 'Review', reached: 'Reached', missed: 'Missed',
    contact: 'Call the leader', pass: 'Pass', ret: 'Return', reason: 'Reason', suggestion: 'Suggestion', field: 'Field', addReason: 'Return this field',
    shortcuts: 'Keys: J/K next/previous field, R return the field, P pass, C record a reached call', noItems: 'The queue is empty', verification: 'Verification photo', accept: 'Accept verification',
    returned: 'Returned', passed: 'Passed', materials: 'Materials',
  },
  cancel: {
    cancel_subject: 'Cancel subject', cancel_website: 'Cancel website', cancel_access: 'Cancel access', actions: 'Actions',
    warn: {
      cancel_subject: 'This cancels the subject and every website under it; once submitted it cannot be withdrawn or undone. Continue?',
      cancel_website: 'This cancels the website\'s number; once submitted it cannot be withdrawn or undone. Continue?',
      cancel_access: 'This provider will no longer serve the website; without another provider its filing is cancelled. Once submitted it cannot be withdrawn. Continue?',
    },
  },
  notes: {
    title: 'Messages', hint: 'Notices about your filings: the same text as the SMS and e-mail sent to your phone and mailbox.', unread: '{n} unread', readAll: 'Mark all read',
    markRead: 'Mark read', new: 'New', none: 'No messages', application: 'Application {id}', readAt: 'read {at}', badge: '{n} unread messages',
  },
  codes: { generate: 'Generate a code', revoke: 'Revoke', created: 'Created', redeem: 'Redeem a code', redeemHint: "Enter a code another account gave you to file this account's websites on its cloud server.", code: 'Code', redeemed: 'Redeemed' },
  query: {
    title: 'Filing query', hint: 'Find the websites filed with this provider by domain, filing number or unit name', domain: 'Domain', search: 'Search', filed: 'Filed', notFiled: 'Not filed with this provider', number: 'Number',
    by: 'Search by', unitName: 'Unit name', national: "Only this provider's records; the national registry is MIIT's (beian.miit.gov.cn). A person's name is masked and cannot be searched.",
    websiteNumber: 'Website number', subject: 'Subject', subjectNumber: 'Subject number', unit: 'Unit', more: 'More',
  },
  change: { change_subject: 'Change subject', change_website: 'Change website', edit: 'What changes', hint: 'Edit the fields that change, upload the materials, then submit; the submit saves them.' },
  op: {
    title: 'Operations', accounts: 'Accounts', rules: 'Rules in force', login: 'Login', role: 'Role', name: 'Name', status: 'Status', realName: 'Real name', newAccount: 'New account', create: 'Create', created: 'Created', save: 'Save', saved: 'Saved', account: 'Account', resources: 'Import resources', csv: 'CSV (header row first)', import: 'Import', imported: 'Imported', gate: 'Access gate lookup',
    records: 'Import records', audit: 'Audit log', outbox: 'Outbox dead letters', rulesHint: 'Read-only: the rules are those of the directory icpd started with; change the files and restart icpd.', province: 'Province', version: 'Version', checks: 'checks', check: 'Check',
    severity: 'Severity', source: 'Source', effective: 'In force from', reference: 'Reference data', file: 'File', intact: 'Chain intact', broken: 'Chain broken', entries: 'entries', head: 'Head', verify: 'Verify again',
    when: 'When', actor: 'Actor', action: 'Action', details: 'Details', pending: 'Pending', delivered: 'Delivered', dead: 'Dead', undelivered: 'All undelivered', topic: 'Topic', lastError: 'Last error', retry: 'Retry', retried: 'Queued again',
    recordsHint: 'Import the filed subjects and websites of the previous system (JSON, see docs/records.md): all or nothing, every problem at its field.', jsonFile: 'Choose a JSON file', json: 'JSON', notJson: 'Not valid JSON', problems: 'Problems', unchanged: 'Unchanged', outcome: 'Outcome',
  },
  state: {
    draft: 'Draft', provider_review: 'Provider review', provider_returned: 'Returned', verification: 'Verification', ready_for_bureau: 'Ready for bureau',
    sms_pending: 'SMS pending', bureau_review: 'Bureau review', approved: 'Approved', bureau_returned: 'Bureau returned', withdrawn: 'Withdrawn',
    abandoned: 'Abandoned', expired: 'Expired',
  },
};

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('beian.locale') : null;

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});

export function toggleLocale() {
  const next = i18n.global.locale.value === 'en' ? 'zh-CN' : 'en';
  i18n.global.locale.value = next;
  localStorage.setItem('beian.locale', next);
  document.documentElement.lang = next;
}
