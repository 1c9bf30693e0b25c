/**
 * Who may see the staff pages. Anyone else (anonymous visitors, ordinary accounts) gets the site's
 * ordinary 404 page, the same bytes as any unknown address, so nothing reveals that the pages exist.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStaffRole, type StaffRole } from '../../accounts/staff-roles.ts';
import type { AppContext } from '../../composition.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError, toAppError } from '../errors.ts';
import { confirmCodePage } from '../views/two-factor-views.ts';

export { STAFF_ROLES, isStaffRole, type StaffRole } from '../../accounts/staff-roles.ts';

export interface StaffUser {
  id: number;
  email: string;
  role: StaffRole;
}

/** The signed-in staff member, or null for everyone else. */
export function staffUser(request: FastifyRequest): StaffUser | null {
  const u = request.user;
  if (!u || !isStaffRole(u.role)) return null;
  return { id: u.id, email: u.email, role: u.role };
}

/**
 * The 404 that the same address would get if the staff routes did not exist: without them a GET of
 * two segments reaches the city/category listing (src/http/routes/browse.ts), a GET of three the ad
 * page (src/http/routes/ad-page.ts), anything else the app's not-found handler (src/http/errors.ts).
 * test/staff.test.ts compares each staff route with a same-shaped address that has no route, so a
 * change to those messages fails the test rather than opening a leak. (Not covered: a three-segment
 * address whose last segment is the id of a published ad redirects to that ad; /staff/items/<id>
 * answers 404 instead.)
 */
export function notFoundFor(request: FastifyRequest): AppError {
  const segments = request.url.split('?')[0]!.split('/').filter(Boolean).length;
  if (request.method === 'GET' || request.method === 'HEAD') {
    if (segments === 2) return new AppError('not_found', 'This page is not on Corkboard. Check the address, or start from the home page.');
    if (segments === 3) return new AppError('not_found', 'This ad does not exist, or it was deleted by its poster.');
  }
  return notFound();
}

/** The app's ordinary not-found error (src/http/errors.ts). */
export const notFound = () => new AppError('not_found', 'There is nothing at this address. The ad may have expired or been deleted.');

/**
 * preHandler for every staff route: answers 404 unless a moderator or above is signed in, and sends
 * a staff member whose session has not passed the two-factor step to it (303; a GET comes back to
 * where it was going). Put it before CSRF protection so a stranger's POST gets the same 404 as a GET.
 */
export async function staffOnly(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (!staffUser(request)) return sendError(request, reply, notFoundFor(request));
  if (!request.secondFactorAt) return reply.redirect(twoFactorPath(request.method === 'GET' ? request.url : undefined), 303);
  return undefined;
}

/** The answer a moderator (staff, not admin) gets on an admin page: they know the pages exist, so say why. */
export const adminsOnly = () => new AppError('forbidden', 'Admins only: these pages change categories, the screening policy, hash banks and staff accounts. Ask an admin if something here needs changing.');

/**
 * preHandler for the admin pages: strangers get the staff 404 (same as `staffOnly`, whatever that
 * requires of a staff session), moderators a 403 "admins only" page. Put it before CSRF protection.
 */
export async function adminOnly(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const refused = await staffOnly(request, reply);
  if (refused || reply.sent) return refused ?? reply;
  if (staffUser(request)!.role !== 'admin') return sendError(request, reply, adminsOnly());
  return undefined;
}

/** The two-factor page (src/http/routes/two-factor.ts), coming back to `next` (a same-site path) afterwards. */
export const TWO_FACTOR_PATH = '/account/two-factor';
export function twoFactorPath(next?: string): string {
  return next ? `${TWO_FACTOR_PATH}?next=${encodeURIComponent(next)}` : TWO_FACTOR_PATH;
}

/**
 * Whether the session passed the two-factor step within STAFF_2FA_FRESH_HOURS. The staff pages only
 * need the step passed once per session (moderators work long shifts); admin pages, new recovery
 * codes and staff API tokens need it fresh. Every code entered moves `sessions.second_factor_at`.
 */
export function twoFactorFresh(ctx: Pick<AppContext, 'config' | 'now'>, request: FastifyRequest): boolean {
  const at = request.secondFactorAt;
  return at !== null && ctx.now().getTime() - at.getTime() < ctx.config.staffTwoFactorFreshHours * 3_600_000;
}

/** The field the "confirm with your code" form sends the code in; taken out of the body once checked. */
export const FRESH_CODE_FIELD = '_two_factor_code';

/**
 * For a staff session past the step (staffOnly ran): true when it is fresh, or when this POST carries
 * a right code in FRESH_CODE_FIELD (the session is then fresh again). Otherwise answers and returns
 * false: a GET goes to the two-factor page and comes back; a POST gets the code form, which posts
 * the same fields again to the same address, so nothing typed is lost (files must be chosen again).
 * Run it after CSRF protection.
 */
export async function ensureFreshTwoFactor(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const submitted = body[FRESH_CODE_FIELD];
  delete body[FRESH_CODE_FIELD]; // never passed on to the action (a form sent twice may still carry it)
  if (twoFactorFresh(ctx, request)) return true;
  if (request.method === 'GET' || request.method === 'HEAD') {
    await reply.redirect(twoFactorPath(request.url), 303);
    return false;
  }
  let errors: Record<string, string> = {};
  let status = 403;
  if (typeof submitted === 'string') {
    try {
      await ctx.twoFactor.verify(staffUser(request)!.id, request.sessionId!, { code: submitted }, request.ip);
      request.secondFactorAt = ctx.now();
      return true;
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      if (e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
      const message = e.fields?.code ?? e.message;
      errors = { [FRESH_CODE_FIELD]: message, form: message };
      status = e.status;
    }
  }
  const fields: [string, string][] = [];
  const fileFields: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === '_csrf' || name === FRESH_CODE_FIELD) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') fields.push([name, v]);
      else if (v && typeof v === 'object' && Buffer.isBuffer((v as { data?: unknown }).data) && !fileFields.includes(name)) fileFields.push(name);
    }
  }
  await reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(confirmCodePage({ action: request.url, csrf: reply.generateCsrf(), codeField: FRESH_CODE_FIELD, fields, fileFields, hours: ctx.config.staffTwoFactorFreshHours, errors }).value);
  return false;
}

/** preHandler for admin pages, after `adminOnly` (and CSRF protection for POSTs): see ensureFreshTwoFactor. */
export function freshTwoFactor(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => ((await ensureFreshTwoFactor(ctx, request, reply)) ? undefined : reply);
}
