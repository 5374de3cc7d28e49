// The customer's notifications (站内消息): the unread count the header shows as a badge, and
// the pages of the 消息 page, newest first. The messages are those of the SMS and e-mail
// icpd sends (GET /v1/notifications); marking read is the customer's only change.
import { defineStore } from 'pinia';
import { api, must, type Schemas } from '../api/client';

export type Notification = Schemas['Notification'];

export const useNotifications = defineStore('notifications', {
  state: () => ({
    items: [] as Notification[],
    next: null as string | null,
    unread: 0,
    loaded: false,
  }),
  actions: {
    // The badge: asked again on every page the customer opens. A failure leaves it as it was.
    async refreshUnread() {
      const r = await api.GET('/v1/notifications/unread-count');
      if (r.response.ok && r.data) this.unread = r.data.unread;
    },
    // The first page again (more: the page after the last one shown).
    async load(more = false) {
      const cursor = more ? this.next : null;
      if (more && !cursor) return;
      const page = must(
        await api.GET('/v1/notifications', { params: { query: cursor ? { cursor, limit: 20 } : { limit: 20 } } }),
      );
      this.items = more ? [...this.items, ...page.items] : page.items;
      this.next = page.next_cursor;
      this.loaded = true;
      await this.refreshUnread();
    },
    async markRead(id: number) {
      const read = must(await api.POST('/v1/notifications/{id}:read', { params: { path: { id } } }));
      this.items = this.items.map((n) => (n.id === id ? read : n));
      await this.refreshUnread();
    },
    async markAllRead() {
      must(await api.POST('/v1/notifications:read-all'));
      await this.load();
    },
    clear() {
      this.items = [];
      this.next = null;
      this.unread = 0;
      this.loaded = false;
    },
  },
});
