// Who is signed in: the account, its role and the session's CSRF token (sent on every unsafe
// request by api/client.ts). The session itself is the HttpOnly cookie icpd sets.
import { defineStore } from 'pinia';
import { api, must, setCsrfToken, type Schemas } from '../api/client';

export type Role = Schemas['Role'];
export type Account = Schemas['Account'];

export const useSession = defineStore('session', {
  state: () => ({
    account: null as Account | null,
    role: '' as Role | '',
    loaded: false,
  }),
  getters: {
    signedIn: (s) => s.account !== null,
    isStaff: (s) => s.role === 'reviewer' || s.role === 'admin',
    home(s): string {
      if (s.role === 'admin') return '/operator';
      if (s.role === 'reviewer') return '/review';
      return '/';
    },
  },
  actions: {
    // Reads the session from icpd once (GET /v1/me); a 401 leaves it signed out.
    async load() {
      if (this.loaded) return;
      const r = await api.GET('/v1/me');
      if (r.response.ok && r.data) this.apply(r.data);
      this.loaded = true;
    },
    apply(me: { account: Account; role: Role; csrf_token: string | null }) {
      this.account = me.account;
      this.role = me.role;
      setCsrfToken(me.csrf_token ?? '');
      this.loaded = true;
    },
    async signIn(login: string, password: string) {
      this.apply(must(await api.POST('/v1/sessions', { body: { login, password } })));
    },
    async signOut() {
      await api.DELETE('/v1/sessions/current');
      this.account = null;
      this.role = '';
      setCsrfToken('');
    },
  },
});
