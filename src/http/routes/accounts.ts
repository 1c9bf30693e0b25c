/** Account pages: thin handlers over AccountService; each form re-renders with its errors and input. */
import { mergeFavouritesOnSignIn } from './favourites.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import type { AccountUser } from '../../accounts/account.repository.ts';
import { adPath } from '../../listings/ad-slug.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../account-session.ts';
import { toAppError } from '../errors.ts';
import { validationError } from '../../platform/errors.ts';
import { ensureFreshTwoFactor, isStaffRole, twoFactorPath } from './staff-policy.ts';
import { textFields } from '../form-body.ts';
import { html, type Html } from '../html.ts';
import { decisionsList } from '../views/appeal-views.ts';
import {
  accountDeletedPage,
  accountOverviewPage,
  checkMailPage,
  deleteAccountPage,
  forgotPasswordPage,
  linkButtonPage,
  myAdsPage,
  phonePage,
  resetPasswordPage,
  signInPage,
  signUpPage,
  tokensPage,
} from '../views/account-views.ts';
import { outcomeNotice } from '../views/posting-views.ts';

type Token = { Params: { token: string } };

export function send(reply: FastifyReply, body: Html, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
}

/** Only same-site paths: `next` must never send someone to another site after signing in. */
export function safeNext(next: unknown): string | undefined {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length < 500 ? next : undefined;
}

/** Runs a command; a client error (4xx) becomes per-field messages for the form, anything else is rethrown. */
export async function attempt<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; errors: Record<string, string>; status: number }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) throw err;
    if (e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
    const errors = { ...(e.fields ?? {}) };
    if (e.code !== 'validation_failed' || !e.fields) errors.form = e.message;
    return { ok: false, errors, status: e.status };
  }
}

export function formValues(body: unknown): Record<string, string> {
  const values = textFields(body);
  delete values._csrf;
  return values;
}

/** Where a fresh sign-in goes: staff pass the two-factor step first (then on to `next`, or the review queue). */
function afterSignIn(user: AccountUser, next: string | undefined): string {
  if (isStaffRole(user.role)) return twoFactorPath(next ?? '/staff/queue');
  return next ?? '/account';
}

export const userAgent = (r: FastifyRequest) => (typeof r.headers['user-agent'] === 'string' ? r.headers['user-agent'] : null);

export function registerAccountRoutes(app: FastifyInstance, ctx: AppContext) {
  const accounts = ctx.accountService;
  const csrf = { preHandler: app.csrfProtection };

  /** The signed-in user, or a redirect to the sign-in page that comes back here afterwards. */
  const requireUser = (request: FastifyRequest, reply: FastifyReply): AccountUser | undefined => {
    if (request.user) return request.user;
    const next = request.method === 'GET' ? safeNext(request.url) : undefined;
    void reply.redirect(next ? `/signin?next=${encodeURIComponent(next)}` : '/signin', 303);
    return undefined;
  };

  // --- sign up and confirm -------------------------------------------------------------------

  app.get('/signup', async (request, reply) => (request.user ? reply.redirect('/account', 303) : send(reply, signUpPage(reply.generateCsrf(), {}, {}))));

  app.post('/signup', csrf, async (request, reply) => {
    const values = formValues(request.body);
    const r = await attempt(reply, () => accounts.signUp(values, request.ip));
    if (!r.ok) return send(reply, signUpPage(reply.generateCsrf(), { email: values.email ?? '' }, r.errors), r.status);
    return reply.redirect('/signup/sent', 303);
  });

  app.get('/signup/sent', async (_request, reply) =>
    send(reply, checkMailPage('Check your e-mail', 'We sent you a link to confirm your address. Your account opens when you follow it; the link works for 48 hours.', 'signup-sent')),
  );

  app.get<Token>('/account/confirm/:token', async (request, reply) => {
    await accounts.checkLink(request.params.token, 'confirm_email');
    return send(reply, linkButtonPage({ title: 'Confirm your e-mail address', text: 'One click and your account is open.', action: request.url, csrf: reply.generateCsrf(), button: 'Confirm and sign in' }));
  });

  app.post<Token>('/account/confirm/:token', csrf, async (request, reply) => {
    const session = await accounts.confirmEmail(request.params.token, userAgent(request));
    setSessionCookie(ctx, reply, session);
    await mergeFavouritesOnSignIn(ctx, request, reply, session.user.id);
    return reply.redirect(`/account?done=${session.claimed > 0 ? 'confirmed-claimed' : 'confirmed'}`, 303);
  });

  // --- sign in and out -----------------------------------------------------------------------

  app.get<{ Querystring: { next?: string; done?: string } }>('/signin', async (request, reply) => {
    if (request.user) return reply.redirect(safeNext(request.query.next) ?? '/account', 303);
    const notice = request.query.done === 'signed-out' ? 'You are signed out.' : undefined;
    return send(reply, signInPage({ csrf: reply.generateCsrf(), values: {}, errors: {}, next: safeNext(request.query.next), notice }));
  });

  app.post('/signin', csrf, async (request, reply) => {
    const values = formValues(request.body);
    const next = safeNext(values.next);
    const r = await attempt(reply, () => accounts.signInWithPassword(values, request.ip, userAgent(request)));
    if (!r.ok) return send(reply, signInPage({ csrf: reply.generateCsrf(), values: { email: values.email ?? '' }, errors: r.errors, next }), r.status);
    setSessionCookie(ctx, reply, r.value);
    await mergeFavouritesOnSignIn(ctx, request, reply, r.value.user.id);
    return reply.redirect(afterSignIn(r.value.user, next), 303);
  });

  app.post('/signin/link', csrf, async (request, reply) => {
    const values = formValues(request.body);
    const r = await attempt(reply, () => accounts.requestSignInLink(values, request.ip));
    if (!r.ok) return send(reply, signInPage({ csrf: reply.generateCsrf(), values: { link_email: values.email ?? '' }, errors: {}, linkErrors: r.errors }), r.status);
    return send(reply, checkMailPage('Check your e-mail', 'If an account uses this address, we sent it a sign-in link. It works once, for 20 minutes.', 'link-sent'));
  });

  app.get<Token>('/signin/link/:token', async (request, reply) => {
    await accounts.checkLink(request.params.token, 'sign_in');
    return send(reply, linkButtonPage({ title: 'Sign in to Corkboard', text: 'Press the button to sign in on this device.', action: request.url, csrf: reply.generateCsrf(), button: 'Sign in' }));
  });

  app.post<Token>('/signin/link/:token', csrf, async (request, reply) => {
    const session = await accounts.signInWithLink(request.params.token, userAgent(request));
    setSessionCookie(ctx, reply, session);
    await mergeFavouritesOnSignIn(ctx, request, reply, session.user.id);
    return reply.redirect(afterSignIn(session.user, undefined), 303);
  });

  app.post('/signout', csrf, async (request, reply) => {
    const token = sessionTokenOf(ctx, request);
    if (token) await accounts.signOut(token);
    clearSessionCookie(ctx, reply);
    return reply.redirect('/signin?done=signed-out', 303);
  });

  // --- password reset ------------------------------------------------------------------------

  app.get('/password/forgot', async (request, reply) => send(reply, forgotPasswordPage(reply.generateCsrf(), { email: request.user?.email ?? '' }, {})));

  app.post('/password/forgot', csrf, async (request, reply) => {
    const values = formValues(request.body);
    const r = await attempt(reply, () => accounts.requestPasswordReset(values, request.ip));
    if (!r.ok) return send(reply, forgotPasswordPage(reply.generateCsrf(), { email: values.email ?? '' }, r.errors), r.status);
    return send(reply, checkMailPage('Check your e-mail', 'If an account uses this address, we sent it a link to choose a new password. It works once, for 30 minutes.', 'reset-sent'));
  });

  app.get<Token>('/password/reset/:token', async (request, reply) => {
    await accounts.checkLink(request.params.token, 'reset_password');
    return send(reply, resetPasswordPage(request.url, reply.generateCsrf(), {}));
  });

  app.post<Token>('/password/reset/:token', csrf, async (request, reply) => {
    const r = await attempt(reply, () => accounts.resetPassword(request.params.token, formValues(request.body), userAgent(request)));
    if (!r.ok) return send(reply, resetPasswordPage(request.url, reply.generateCsrf(), r.errors), r.status);
    setSessionCookie(ctx, reply, r.value);
    await mergeFavouritesOnSignIn(ctx, request, reply, r.value.user.id);
    return reply.redirect('/account?done=password', 303);
  });

  // --- the account page and sessions ---------------------------------------------------------

  const FLASH: Record<string, string> = {
    confirmed: 'Your e-mail address is confirmed and your account is open.',
    'confirmed-claimed': 'Your e-mail address is confirmed. Ads you posted earlier with it are now under My ads.',
    password: 'Your new password is saved. Every other device is signed out.',
    'session-ended': 'The session has ended: that device is signed out.',
    phone: 'Your phone number is verified.',
    'email-changed': 'Your e-mail address is changed. Every other device is signed out.',
  };

  app.get<{ Querystring: { done?: string } }>('/account', async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const row = await accounts.account(user.id);
    const sessions = await accounts.sessionsOf(user.id);
    return send(reply, accountOverviewPage({ user: row, sessions, currentSessionId: request.sessionId, csrf: reply.generateCsrf(), flash: FLASH[request.query.done ?? ''] }));
  });

  app.post<{ Params: { id: string } }>('/account/sessions/:id/end', csrf, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    await accounts.endSession(user.id, Number(request.params.id));
    if (Number(request.params.id) === request.sessionId) {
      clearSessionCookie(ctx, reply);
      return reply.redirect('/signin?done=signed-out', 303);
    }
    return reply.redirect('/account?done=session-ended', 303);
  });

  // --- my ads --------------------------------------------------------------------------------

  app.get<{ Querystring: { posted?: string } }>('/account/ads', async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const mine = await accounts.adsOf(user.id);
    const decisions = await ctx.moderation.appeals.decisionsFor(mine.map((m) => m.ad.id));
    const items = mine.map(({ ad, replies }) => {
      const city = ctx.places.cityById.get(ad.cityId)!;
      const category = ctx.places.categoryById.get(ad.categoryId)!;
      return { ad, replies, links: ctx.adService.linksFor(ad), publicPath: adPath(ad, city.slug, category.slug), decisions: decisionsList(decisions.get(ad.id) ?? [], { compact: true }) };
    });
    const posted = items.find((i) => String(i.ad.id) === request.query.posted);
    const flash = posted ? html`<div id="posted">${outcomeNotice(posted.ad, posted.publicPath)}</div>` : undefined;
    return send(reply, myAdsPage(items, flash));
  });

  // --- phone ---------------------------------------------------------------------------------

  const phone = async (reply: FastifyReply, user: AccountUser, values: Record<string, string>, errors: Record<string, string>, codeErrors: Record<string, string>, status = 200) => {
    const row = await accounts.account(user.id);
    const pending = await accounts.pendingPhone(user.id);
    return send(reply, phonePage({ csrf: reply.generateCsrf(), values, errors, codeErrors, pending, verified: row.phoneVerifiedAt ? row.phone : null }), status);
  };

  app.get('/account/phone', async (request, reply) => {
    const user = requireUser(request, reply);
    return user ? phone(reply, user, {}, {}, {}) : reply;
  });

  app.post('/account/phone', csrf, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const values = formValues(request.body);
    const r = await attempt(reply, () => accounts.startPhoneVerification(user.id, values));
    if (!r.ok) return phone(reply, user, values, r.errors, {}, r.status);
    return reply.redirect('/account/phone', 303);
  });

  app.post('/account/phone/verify', csrf, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const values = formValues(request.body);
    const r = await attempt(reply, () => accounts.verifyPhone(user.id, values));
    if (!r.ok) return phone(reply, user, values, {}, r.errors, r.status);
    return reply.redirect('/account?done=phone', 303);
  });

  // --- API tokens ----------------------------------------------------------------------------

  app.get<{ Querystring: { done?: string } }>('/account/tokens', async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const flash = request.query.done === 'revoked' ? 'The token is revoked: scripts using it are refused from now on.' : undefined;
    return send(reply, tokensPage({ csrf: reply.generateCsrf(), tokens: await accounts.apiTokensOf(user.id), values: {}, errors: {}, flash, staff: isStaffRole(user.role) }));
  });

  app.post('/account/tokens', csrf, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const staff = isStaffRole(user.role);
    // A staff token made from a session whose code is older than STAFF_2FA_FRESH_HOURS: the code form
    // first (it posts the name and scope again, then the token is made).
    if (textFields(request.body).scope === 'staff' && staff && request.secondFactorAt && !(await ensureFreshTwoFactor(ctx, request, reply))) return reply;
    const values = formValues(request.body);
    const r = await attempt(reply, async () => {
      // A moderation token carries staff powers: it is made only from a session that passed the two-factor step.
      if (values.scope === 'staff' && staff && !request.secondFactorAt) {
        throw validationError({ scope: 'Enter your two-factor code first (staff pages ask for it), then create the token.' });
      }
      return accounts.createApiToken(user.id, values);
    });
    const tokens = await accounts.apiTokensOf(user.id);
    if (!r.ok) return send(reply, tokensPage({ csrf: reply.generateCsrf(), tokens, values, errors: r.errors, staff }), r.status);
    // Shown in this response only, never stored in clear: this page is not cached anywhere.
    return send(reply, tokensPage({ csrf: reply.generateCsrf(), tokens, values: {}, errors: {}, created: r.value, staff }), 201);
  });

  app.post<{ Params: { id: string } }>('/account/tokens/:id/revoke', csrf, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    await accounts.revokeApiToken(user.id, Number(request.params.id));
    return reply.redirect('/account/tokens?done=revoked', 303);
  });

  // --- deletion ------------------------------------------------------------------------------

  const deletePage = async (reply: FastifyReply, user: AccountUser, errors: Record<string, string>, status = 200) => {
    const row = await accounts.account(user.id);
    const adCount = (await accounts.adsOf(user.id)).length;
    return send(reply, deleteAccountPage({ csrf: reply.generateCsrf(), errors, hasPassword: row.passwordHash !== null, retentionDays: ctx.config.retentionDays, adCount }), status);
  };

  app.get('/account/delete', async (request, reply) => {
    const user = requireUser(request, reply);
    return user ? deletePage(reply, user, {}) : reply;
  });

  app.post('/account/delete', csrf, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const r = await attempt(reply, () => accounts.deleteAccount(user.id, formValues(request.body)));
    if (!r.ok) return deletePage(reply, user, r.errors, r.status);
    clearSessionCookie(ctx, reply);
    request.user = null;
    return send(reply, accountDeletedPage(r.value.retentionDays, r.value.adsTakenDown));
  });
}

