/** Small formatting helpers shared by pages, feeds and the API. */
const formatters = new Map<string, Intl.NumberFormat>();

export function formatPrice(price: number | null, currency: string | null): string {
  if (price === null) return '';
  if (price === 0) return 'Free';
  const code = currency ?? 'USD';
  let f = formatters.get(code);
  if (!f) {
    try {
      f = new Intl.NumberFormat('en', { style: 'currency', currency: code, maximumFractionDigits: 0 });
    } catch {
      f = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
    }
    formatters.set(code, f);
  }
  return f.format(price);
}

export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function timeAgo(d: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.round((now.getTime() - d.getTime()) / 60000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** Where staff pages and the staff API fetch photos, whatever the ad's state (src/http/routes/photos.ts). */
export const STAFF_PHOTOS = '/staff/photos';
export const STAFF_API_PHOTOS = '/api/v1/staff/photos';

/**
 * A photo rendition's address under `base`: `/photos` (public, answers only while the ad is
 * published), the poster's signed photo link, or a staff route (src/http/routes/photos.ts).
 */
export function photoUrl(storageKey: string, size: 'thumb' | 'medium' | 'large', base = '/photos'): string {
  return `${base}/${storageKey}-${size}.webp`;
}

/** A query string from parameters, dropping empty ones, with overrides (null removes a key). */
export function queryString(params: Record<string, string>, overrides: Record<string, string | null> = {}): string {
  const merged: Record<string, string> = { ...params };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  const qs = new URLSearchParams(Object.entries(merged).filter(([, v]) => v !== '')).toString();
  return qs ? `?${qs}` : '';
}
