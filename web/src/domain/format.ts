// Dates as the console shows them: in China's time (UTC+8), where the deadlines are counted.
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const cn = new Date(d.getTime() + 8 * 3600 * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${cn.getUTCFullYear()}-${p(cn.getUTCMonth() + 1)}-${p(cn.getUTCDate())} ${p(cn.getUTCHours())}:${p(cn.getUTCMinutes())}`;
}

// Open applications: every state an application can still move from.
export const OPEN_STATES = new Set([
  'draft', 'provider_review', 'provider_returned', 'verification', 'ready_for_bureau', 'sms_pending',
  'bureau_review', 'bureau_returned',
]);
