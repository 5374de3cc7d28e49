// The console's one way to icpd: openapi-fetch over the types openapi-typescript generates
// from api/openapi.yaml (schema.d.ts, made by `npm run gen`; never written by hand).
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Violation = Schemas['Violation'];

let csrfToken = '';
export function setCsrfToken(token: string) {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
};

// fetch is looked up on each call (not captured once), so tests can stand in for icpd.
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(csrf);

// A refusal of the API, as an exception the views catch: the problem with its violations.
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
  }
  get violations(): Violation[] {
    return this.problem?.violations ?? [];
  }
}

// The data of an openapi-fetch answer, or an ApiError with its problem.
export function must<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || !r.response.ok) {
    throw new ApiError(r.response.status, r.error as Problem | undefined);
  }
  return r.data as T;
}

// The revision a response carries (ETag), for the If-Match of the next change.
export function etagOf(r: { response: Response }): string {
  return r.response.headers.get('ETag') ?? '';
}

// A violation's message in the console's language.
export function violationText(v: Violation, locale: string): string {
  return locale.startsWith('zh') && v.message_zh ? v.message_zh : v.message;
}

export function csrfTokenForUpload(): string {
  return csrfToken;
}
