// The filing wizard (subject -> principals -> websites -> resources -> materials ->
// verification -> confirm): the document being written, the step, what the checks and the
// server said about each field, and the application once icpd has it.
import { defineStore } from 'pinia';
import { api, ApiError, etagOf, must, type Schemas, type Violation } from '../api/client';
import { clone, emptyDocument, type FilingDocument } from '../domain/document';
import { problemsIn, stepOf, STEPS, type Step } from '../domain/fields';

export type TypeCheck = Schemas['TypeCheck'];

export const useWizard = defineStore('wizard', {
  state: () => ({
    doc: emptyDocument() as FilingDocument,
    step: 'subject' as Step,
    sameLeader: true,
    // What the server said, by field path (violations of the last request).
    serverErrors: {} as Record<string, string>,
    // Violations without a field, or on a field no step shows.
    generalErrors: [] as string[],
    typeCheck: null as TypeCheck | null,
    applicationId: 0,
    etag: '',
    idempotencyKey: '',
  }),
  getters: {
    stepIndex: (s) => STEPS.indexOf(s.step),
  },
  actions: {
    reset() {
      this.$reset();
    },
    // The website leader is the subject's leader unless the customer says otherwise.
    syncLeader() {
      if (this.sameLeader) {
        for (const w of this.doc.websites) w.principal = clone(this.doc.subject.principal);
      }
    },
    prepare() {
      const s = this.doc.subject;
      if (s.type === 'individual') s.investor = s.name;
      if (/^\d{6}$/.test(s.region_code)) this.doc.province = s.region_code.slice(0, 2);
      for (const w of this.doc.websites) {
        w.domains = w.domains.map((d) => d.trim().toLowerCase());
        if (!w.home_url && w.domains[0]) w.home_url = `http://www.${w.domains[0]}`;
      }
      this.syncLeader();
    },
    // The client checks of the current step; true when it may move on.
    checkStep(): boolean {
      this.prepare();
      return Object.keys(problemsIn(this.doc, this.step)).length === 0;
    },
    // Puts the server's violations on their fields and goes to the first one's step.
    showViolations(violations: Violation[], zh: boolean) {
      this.serverErrors = {};
      this.generalErrors = [];
      for (const v of violations) {
        const text = zh && v.message_zh ? v.message_zh : v.message;
        if (v.field) this.serverErrors[v.field] = text;
        else this.generalErrors.push(text);
      }
      const first = violations.find((v) => v.field);
      if (first) {
        const step = stepOf(first.field);
        if (STEPS.indexOf(step) < STEPS.indexOf(this.step)) this.step = step;
      }
    },
    clearServerError(path: string) {
      delete this.serverErrors[path];
    },
    next() {
      const i = STEPS.indexOf(this.step);
      if (i < STEPS.length - 1) this.step = STEPS[i + 1];
    },
    back() {
      const i = STEPS.indexOf(this.step);
      if (i > 0) this.step = STEPS[i - 1];
    },
    // 验证备案类型: which filing this is, its conflicts and its materials checklist.
    async checkType(): Promise<TypeCheck> {
      this.prepare();
      this.typeCheck = must(await api.POST('/v1/type-checks', { body: this.doc as never }));
      return this.typeCheck;
    },
    // Creates the application (once: the idempotency key makes a retry return it), or saves
    // the document onto it.
    async save() {
      this.prepare();
      if (this.applicationId === 0) {
        if (!this.idempotencyKey) this.idempotencyKey = crypto.randomUUID();
        const r = await api.POST('/v1/applications', {
          body: this.doc as never,
          params: { header: { 'Idempotency-Key': this.idempotencyKey } } as never,
        });
        const created = must(r);
        this.applicationId = created.id;
        this.etag = etagOf(r);
      } else {
        await this.refreshEtag();
        const r = await api.PUT('/v1/applications/{id}', {
          params: { path: { id: this.applicationId }, header: { 'If-Match': this.etag } } as never,
          body: this.doc as never,
        });
        must(r);
        this.etag = etagOf(r);
      }
    },
    async refreshEtag() {
      const r = await api.GET('/v1/applications/{id}', { params: { path: { id: this.applicationId } } });
      must(r);
      this.etag = etagOf(r);
    },
    async submit() {
      await this.refreshEtag();
      const r = await api.POST('/v1/applications/{id}:submit', {
        params: { path: { id: this.applicationId }, header: { 'If-Match': this.etag } } as never,
      });
      return must(r);
    },
  },
});

export { ApiError };
