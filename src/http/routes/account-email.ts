/** Changing the account's e-mail address: the form (new address + password) and the link mailed to the new address. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountUser } from '../../accounts/account.repository.ts';
import type { AppContext } from '../../composition.ts';
import { setSessionCookie } from '../account-session.ts';
import { changeEmailPage } from '../views/account-email-views.ts';
import { checkMailPage, linkButtonPage } from '../views/account-views.ts';
import { attempt, formValues, send, userAgent } from './accounts.ts';

type Token = { Params: { token: string } };

export function registerEmailChangeRoutes(app: FastifyInstance, ctx: AppContext) {
  const csrf = { preHandler: app.csrfProtection };

  const requireUser = (request: FastifyRequest, reply: FastifyReply): AccountUser | undefined => {
    if (request.user) return request.user;
    void reply.redirect(`/signin?next=${encodeURIComponent('/account/email')}`, 303);
    return undefined;
  };

  const render = async (reply: FastifyReply, user: AccountUser, values: Record<string, string>, errors: Record<string, string>, status = 200) => {
    const row = await ctx.accountService.account(user.id);
    const pending = await ctx.emailChange.pendingChange(user.id);
    return send(reply, changeEmailPage({ csrf: reply.generateCsrf(), current: row.email ?? '', hasPassword: row.passwordHash !== null, pending, values, errors }), status);
  };

  app.get('/account/email', async (request, reply) => {
    const user = requireUser(request, reply);
    return user ? render(reply, user, {}, {}) : reply;
  });

  app.post('/account/email', csrf, async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    const values = formValues(request.body);
    const r = await attempt(reply, () => ctx.emailChange.requestChange(user.id, values));
    if (!r.ok) return render(reply, user, { email: values.email ?? '' }, r.errors, r.status);
    return send(
      reply,
      checkMailPage(
        'Check your new mailbox',
        `We sent a link to ${r.value.newEmail}. Your address changes when you open it (within 24 hours); until then your account keeps using ${user.email}, and we told that address too.`,
        'change-email-sent',
      ),
    );
  });

  // The link page has a button: mail scanners open links, but do not press buttons.
  app.get<Token>('/account/email/confirm/:token', async (request, reply) => {
    await ctx.emailChange.checkLink(request.params.token);
    return send(
      reply,
      linkButtonPage({ title: 'Confirm your new e-mail address', text: 'Press the button to use this address for your Corkboard account from now on.', action: request.url, csrf: reply.generateCsrf(), button: 'Use this address' }),
    );
  });

  app.post<Token>('/account/email/confirm/:token', csrf, async (request, reply) => {
    const current = request.user && request.sessionId !== null ? { userId: request.user.id, sessionId: request.sessionId } : null;
    const result = await ctx.emailChange.confirmChange(request.params.token, current, userAgent(request));
    if (result.session) setSessionCookie(ctx, reply, result.session);
    return reply.redirect('/account?done=email-changed', 303);
  });
}
