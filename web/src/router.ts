// The console's pages. Each is a chunk of its own, loaded when first visited, so the sign-in
// page (the customer's entry route) loads only what it uses.
import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './stores/session';

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/sign-in', component: () => import('./views/SignIn.vue'), meta: { public: true } },
    { path: '/query', component: () => import('./views/PublicQuery.vue'), meta: { public: true } },
    { path: '/', component: () => import('./views/Dashboard.vue'), meta: { role: 'customer' } },
    { path: '/type-check', component: () => import('./views/TypeCheck.vue'), meta: { role: 'customer' } },
    { path: '/apply', component: () => import('./views/Wizard.vue'), meta: { role: 'customer' } },
    { path: '/codes', component: () => import('./views/Codes.vue'), meta: { role: 'customer' } },
    { path: '/notifications', component: () => import('./views/Notifications.vue'), meta: { role: 'customer' } },
    { path: '/applications/:id', component: () => import('./views/ApplicationPage.vue'), props: true },
    { path: '/review', component: () => import('./views/ReviewQueue.vue'), meta: { role: 'staff' } },
    { path: '/review/:id', component: () => import('./views/ReviewPage.vue'), props: true, meta: { role: 'staff' } },
    { path: '/operator', component: () => import('./views/Operator.vue'), meta: { role: 'admin' } },
    { path: '/operator/records', component: () => import('./views/OperatorRecords.vue'), meta: { role: 'admin' } },
    { path: '/operator/rules', component: () => import('./views/OperatorRules.vue'), meta: { role: 'admin' } },
    { path: '/operator/audit', component: () => import('./views/OperatorAudit.vue'), meta: { role: 'admin' } },
    { path: '/operator/outbox', component: () => import('./views/OperatorOutbox.vue'), meta: { role: 'admin' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const session = useSession();
  await session.load();
  if (to.meta.public) return true;
  if (!session.signedIn) return { path: '/sign-in', query: { next: to.fullPath } };
  const role = to.meta.role as string | undefined;
  if (role === 'customer' && session.role !== 'customer') return session.home;
  if (role === 'staff' && !session.isStaff) return session.home;
  if (role === 'admin' && session.role !== 'admin') return session.home;
  return true;
});
