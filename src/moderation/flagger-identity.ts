/**
 * Who is flagging: an account, or a visitor known by a random id in a signed cookie plus a keyed
 * hash of their network address (never the address itself; IPv6 by its /64, which one household or
 * phone usually gets whole).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';

export interface Flagger {
  key: string;
  userId: number | null;
  ipHash: string;
  /** Verified e-mail and at least 30 days old. */
  establishedAccount: boolean;
}

export function newVisitorId(): string {
  return randomBytes(12).toString('base64url');
}

export function networkOf(ip: string): string {
  if (!isIPv6(ip)) return ip;
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7);
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function ipHash(key: string, ip: string): string {
  return createHmac('sha256', key).update(`flag-ip:${networkOf(ip)}`).digest('base64url').slice(0, 22);
}

const ESTABLISHED_DAYS = 30;

export function flaggerFor(opts: {
  user: { id: number; emailVerified: boolean; createdAt: Date } | null;
  visitorId: string;
  ip: string;
  hashKey: string;
  now: Date;
}): Flagger {
  const ipH = ipHash(opts.hashKey, opts.ip);
  if (opts.user) {
    const established = opts.user.emailVerified && opts.now.getTime() - opts.user.createdAt.getTime() >= ESTABLISHED_DAYS * 86_400_000;
    return { key: `user:${opts.user.id}`, userId: opts.user.id, ipHash: ipH, establishedAccount: established };
  }
  return { key: `visitor:${opts.visitorId}`, userId: null, ipHash: ipH, establishedAccount: false };
}
