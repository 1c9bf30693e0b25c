/**
 * Resolves the session cookie to `request.user` on every request that carries one (one indexed
 * query; last-seen is written at most every few minutes), and swaps the header's "Sign in" link
 * for "My account" on pages served to a signed-in person.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountUser } from '../accounts/account.repository.ts';
import type { NewSession } from '../accounts/account.service.ts';
import type { AppContext } from '../composition.ts';
import { SIGN_IN_LINK } from './views/layout.ts';
import { routedPath } from './routed-path.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in account, or null. */
    user: AccountUser | null;
    /** The id of the session row behind `user` (null for API-token requests). */
    sessionId: number | null;
    /** When this session passed the two-factor step (staff pages need it), or null. */
    secondFactorAt: Date | null;
  }
}

const MY_ACCOUNT_LINK = '<a class="account-link" href="/account">My account</a>';

/** `__Host-` cookies must be Secure, so the prefix is used only when the site is served over HTTPS. */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https://') ? '__Host-session' : 'session';
}

export function registerAccountSession(app: FastifyInstance, ctx: AppContext) {
  const name = sessionCookieName(ctx.config.publicUrl);
  app.decorateRequest('user', null);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('secondFactorAt', null);
  app.addHook('onRequest', async (request) => {
    const path = routedPath(request);
    if (path.startsWith('/assets/') || path.startsWith('/photos/') || path.startsWith('/api/')) return;
    const token = request.cookies[name];
    if (!token) return;
    const found = await ctx.accountService.resolveSession(token);
    if (found) {
      request.user = found.user;
      request.sessionId = found.sessionId;
      request.secondFactorAt = found.secondFactorAt;
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.user || typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    // The page is personal now: no shared cache may keep it (a page that says no-store, such as a
    // freshly created token or recovery codes, keeps saying it).
    if (!String(reply.getHeader('cache-control') ?? '').includes('no-store')) reply.header('cache-control', 'private, no-cache');
    return payload.replace(SIGN_IN_LINK, MY_ACCOUNT_LINK);
  });
}

export function setSessionCookie(ctx: AppContext, reply: FastifyReply, session: NewSession) {
  reply.setCookie(sessionCookieName(ctx.config.publicUrl), session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https://'),
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(ctx: AppContext, reply: FastifyReply) {
  reply.clearCookie(sessionCookieName(ctx.config.publicUrl), { path: '/', secure: ctx.config.publicUrl.startsWith('https://') });
}

export function sessionTokenOf(ctx: AppContext, request: FastifyRequest): string | undefined {
  return request.cookies[sessionCookieName(ctx.config.publicUrl)];
}
