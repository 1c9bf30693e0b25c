/**
 * Saved searches and alerts: save a search (from the results page), confirm by mail, manage from the
 * signed link in every alert, and RFC 8058 one-click unsubscribe (POST without CSRF: the signed
 * token is the authentication, and mail providers post from their own servers).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { FrequencySchema } from '../../alerts/alert-input.ts';
import { compileSearch } from '../../alerts/saved-search.ts';
import type { AppContext } from '../../composition.ts';
import { currentUser } from '../current-user.ts';
import { toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import type { Html } from '../html.ts';
import {
  alertConfirmedPage,
  alertSentPage,
  confirmAlertPage,
  manageAlertsPage,
  saveSearchPage,
  unsubscribedPage,
  unsubscribePage,
} from '../views/alerts-views.ts';

type IdToken = { Params: { id: string; token: string } };
type Owned = { Params: { id: string; token: string; sid: string } };

function send(reply: FastifyReply, body: Html, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
}

/** The search parameters a save form carries as s_<name> hidden fields. */
function searchFields(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (k.startsWith('s_')) out[k.slice(2)] = v;
  return out;
}

export function registerAlertRoutes(app: FastifyInstance, ctx: AppContext) {
  const alerts = ctx.alerts;

  const renderSave = (reply: FastifyReply, request: Parameters<typeof currentUser>[0], raw: Record<string, unknown>, values: Record<string, string>, errors: Record<string, string>, status = 200) => {
    const compiled = compileSearch(raw, ctx.places);
    const user = currentUser(request);
    const allErrors = { ...errors };
    if (Object.keys(compiled.errors).length > 0) allErrors.search ??= `This search has filters that are not valid: ${Object.values(compiled.errors).join(' ')}`;
    return send(
      reply,
      saveSearchPage({
        description: alerts.describe(compiled.params),
        params: compiled.params,
        csrfToken: reply.generateCsrf(),
        values,
        errors: allErrors,
        accountEmail: user?.emailVerified ? user.email : undefined,
      }),
      status,
    );
  };

  app.get<{ Querystring: Record<string, string> }>('/alerts/new', async (request, reply) => renderSave(reply, request, request.query, {}, {}));

  app.post('/alerts', { preHandler: app.csrfProtection }, async (request, reply) => {
    const values = textFields(request.body);
    const search = searchFields(values);
    try {
      const { confirmed } = await alerts.subscribe(search, values, request.ip, currentUser(request));
      return send(reply, alertSentPage(confirmed));
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500 || e.code === 'rate_limited') throw err;
      return renderSave(reply, request, search, { email: values.email ?? '', frequency: values.frequency ?? '' }, e.fields ?? { form: e.message }, e.status);
    }
  });

  app.get<IdToken>('/alerts/confirm/:id/:token', async (request, reply) => {
    const s = await alerts.requireLink(Number(request.params.id), request.params.token, 'confirm');
    const action = `/alerts/confirm/${s.id}/${request.params.token}`;
    return send(reply, confirmAlertPage(alerts.describe(s.params), action, reply.generateCsrf()));
  });

  app.post<IdToken>('/alerts/confirm/:id/:token', { preHandler: app.csrfProtection }, async (request, reply) => {
    const s = await alerts.confirm(Number(request.params.id), request.params.token);
    return send(reply, alertConfirmedPage(alerts.describe(s.params), alerts.links(s).manageUrl.replace(ctx.config.publicUrl, '')));
  });

  app.get<IdToken>('/alerts/unsubscribe/:id/:token', async (request, reply) => {
    const s = await alerts.requireLink(Number(request.params.id), request.params.token, 'unsubscribe');
    return send(reply, unsubscribePage(alerts.describe(s.params), `/alerts/unsubscribe/${s.id}/${request.params.token}`, reply.generateCsrf()));
  });

  // RFC 8058 one-click: no CSRF check by design; idempotent, so a provider's retry also gets 200.
  app.post<IdToken>('/alerts/unsubscribe/:id/:token', async (request, reply) => {
    await alerts.unsubscribe(Number(request.params.id), request.params.token);
    return send(reply, unsubscribedPage());
  });

  const manageBase = (p: { id: string; token: string }) => `/alerts/manage/${p.id}/${p.token}`;
  const renderManage = async (reply: FastifyReply, params: { id: string; token: string }, flash?: string, errors?: Record<string, string>, status = 200) => {
    const { owner, searches } = await alerts.listForManageLink(Number(params.id), params.token);
    return send(
      reply,
      manageAlertsPage({
        basePath: manageBase(params),
        email: owner.email,
        searches: searches.map((row) => ({ row, description: alerts.describe(row.params) })),
        csrfToken: reply.generateCsrf(),
        flash,
        errors,
      }),
      status,
    );
  };

  app.get<IdToken & { Querystring: { done?: string } }>('/alerts/manage/:id/:token', async (request, reply) => {
    const flash = { saved: 'Saved.', deleted: 'The alert is deleted.' }[request.query.done ?? ''];
    return renderManage(reply, request.params, flash);
  });

  app.post<Owned>('/alerts/manage/:id/:token/:sid/frequency', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { owner } = await alerts.listForManageLink(Number(request.params.id), request.params.token);
    const parsed = FrequencySchema.safeParse(textFields(request.body).frequency);
    if (!parsed.success) return renderManage(reply, request.params, undefined, { [`frequency-${request.params.sid}`]: parsed.error.issues[0]!.message }, 400);
    await alerts.setFrequency(owner, Number(request.params.sid), parsed.data);
    return reply.redirect(`${manageBase(request.params)}?done=saved`, 303);
  });

  app.post<Owned>('/alerts/manage/:id/:token/:sid/delete', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { owner, searches } = await alerts.listForManageLink(Number(request.params.id), request.params.token);
    await alerts.deleteOwned(owner, Number(request.params.sid));
    if (owner.id !== Number(request.params.sid)) return reply.redirect(`${manageBase(request.params)}?done=deleted`, 303);
    // The link belonged to the deleted search: continue on the link of another search of the same address.
    const next = searches.find((s) => s.id !== owner.id);
    if (!next) return send(reply, unsubscribedPage());
    const url = alerts.links(next).manageUrl.replace(ctx.config.publicUrl, '');
    return reply.redirect(`${url}?done=deleted`, 303);
  });

}
