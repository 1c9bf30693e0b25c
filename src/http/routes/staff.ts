/**
 * Staff pages over the moderation services: the review queue, the review page of an item with its
 * decision forms, bulk decisions on a template group, and the metrics (HTML and Prometheus). Every
 * route goes through `staffOnly` (404 for anyone who is not a moderator or above) before CSRF.
 */
import { readFileSync } from 'node:fs';
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { ads, users } from '../../db/schema.ts';
import { missingPhotoIds } from '../../listings/hash-rejected-photos.ts';
import type { Decision, LinkKind } from '../../moderation/decision.service.ts';
import { moderationMetrics, toPrometheus } from '../../moderation/metrics.ts';
import { REPLIER_ACTIONS, type ReplierAction, type ReplierDecision } from '../../moderation/replier-decisions.ts';
import { POLICY_REASONS, type PolicyReasonKey } from '../../moderation/policy.ts';
import { isReplierStatement, statementSummary } from '../../moderation/statements.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError, toAppError } from '../errors.ts';
import { textFields } from '../form-body.ts';
import type { Html } from '../html.ts';
import { photoUrl, STAFF_PHOTOS } from '../views/format.ts';
import { metricsPage } from '../views/staff-metrics-view.ts';
import { repostsOf } from '../views/repost-view.ts';
import { queuePage, reviewPage, type AdSummary, type AppealReview, type QueueRow, type ReviewPageInput } from '../views/staff-views.ts';
import { notFound, staffOnly, staffUser, type StaffUser } from './staff-policy.ts';

const css = readFileSync(new URL('../assets/staff.css', import.meta.url));

/** Keyboard shortcuts: a key presses the button marked data-key with it, unless the moderator is typing. */
export const STAFF_JS = `document.addEventListener('keydown', function (e) {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
  var t = e.target;
  if (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(t.tagName))) return;
  var b = document.querySelector('button[data-key="' + e.key.toLowerCase() + '"]');
  if (!b) return;
  e.preventDefault();
  b.click();
});
`;

export const QUEUE_PAGE_SIZE = 50;
const LINK_KINDS: LinkKind[] = ['template', 'phone', 'email', 'image'];

type IdParams = { Params: { id: string } };

export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext) {
  const { repo, decisions } = ctx.moderation;
  const db = ctx.database.db;
  const guard = { preHandler: staffOnly };
  const guardPost = { preHandler: [staffOnly, app.csrfProtection] };
  const send = (reply: FastifyReply, body: Html, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
  const me = (request: FastifyRequest): StaffUser => staffUser(request)!;
  const idOf = (raw: string) => (/^\d{1,15}$/.test(raw) ? Number(raw) : NaN);

  const emailsOf = async (ids: number[]) => {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map<number, string>();
    const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, unique));
    return new Map(rows.map((r) => [r.id, r.email ?? `user ${r.id}`]));
  };
  const summaries = async (ids: number[]): Promise<AdSummary[]> => {
    if (ids.length === 0) return [];
    const rows = await db.select({ id: ads.id, title: ads.title, state: ads.state, cityId: ads.cityId, createdAt: ads.createdAt }).from(ads).where(inArray(ads.id, ids)).orderBy(desc(ads.createdAt));
    return rows.map((r) => ({ id: r.id, title: r.title, state: r.state, city: ctx.places.cityById.get(r.cityId)?.name ?? '?', createdAt: r.createdAt }));
  };

  app.get('/assets/staff.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css));
  app.get('/assets/staff.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STAFF_JS));

  // --- queue -------------------------------------------------------------------------------------

  app.get<{ Querystring: { decided?: string; skipped?: string; empty?: string; priority?: string; after?: string; before?: string } }>('/staff/queue', guard, async (request, reply) => {
    const staff = me(request);
    const now = ctx.now();
    const priority = /^[0-3]$/.test(request.query.priority ?? '') ? Number(request.query.priority) : undefined;
    const cursorOf = (raw: string | undefined) => (raw !== undefined && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined);
    const after = cursorOf(request.query.after);
    const before = after === undefined ? cursorOf(request.query.before) : undefined;
    const [page, counts] = await Promise.all([repo.queuePage({ limit: QUEUE_PAGE_SIZE, priority, after, before }), repo.queueCounts(now)]);
    const entries = page.entries;
    // Keyset links: "next" after the last row, "previous" before the first (both in queue order).
    const paging = {
      next: entries.length > 0 && (before !== undefined || page.more) ? entries.at(-1)!.item.id : null,
      previous: entries.length > 0 && (after !== undefined || (before !== undefined && page.more)) ? entries[0]!.item.id : null,
    };
    const claimants = await emailsOf(entries.flatMap((e) => (e.item.claimedBy !== null && e.item.claimedUntil && e.item.claimedUntil > now ? [e.item.claimedBy] : [])));
    const rows: QueueRow[] = entries.map(({ item, ad }) => {
      const claimed = item.claimedBy !== null && item.claimedUntil !== null && item.claimedUntil > now;
      return {
        itemId: item.id,
        adId: ad.id,
        title: ad.title,
        priority: item.priority,
        label: item.label,
        source: item.source,
        trusted: item.trusted,
        createdAt: item.createdAt,
        slaDueAt: item.slaDueAt,
        claimedBy: claimed ? (claimants.get(item.claimedBy!) ?? `user ${item.claimedBy}`) : null,
        claimedByMe: claimed && item.claimedBy === staff.id,
        thumbKey: ad.thumbKey,
      };
    });
    const q = request.query;
    const skipped = /^\d{1,15}(\.\d{1,15}){0,999}$/.test(q.skipped ?? '') ? q.skipped!.split('.') : [];
    const skippedText = skipped.length > 0
      ? ` ${skipped.length} ad${skipped.length > 1 ? 's' : ''} of the group (${skipped.map((id) => `ad ${id}`).join(', ')}) ${skipped.length > 1 ? 'were' : 'was'} not decided: posted by you or by staff of your rank or above. ${skipped.length > 1 ? 'They are' : 'It is'} back in the queue for another moderator.`
      : '';
    const message = q.empty ? 'No unclaimed item is waiting.' : q.decided && /^\d+$/.test(q.decided) ? `Item ${q.decided} decided.${skippedText}` : null;
    return send(reply, queuePage({ rows, counts, now, csrf: reply.generateCsrf(), message, priority: priority ?? null, paging }));
  });

  app.post('/staff/queue/claim-next', guardPost, async (request, reply) => {
    const item = await repo.claimNext(me(request).id, ctx.now());
    return reply.redirect(item ? `/staff/items/${item.id}` : '/staff/queue?empty=1', 303);
  });

  // --- review page -------------------------------------------------------------------------------

  const appealsOf = async (itemId: number, staffId: number): Promise<AppealReview[]> => {
    const rows = await ctx.moderation.appeals.forItem(itemId);
    const names = await emailsOf(rows.flatMap((r) => [r.appeal.originalDeciderId, r.appeal.decidedBy].filter((x): x is number => x !== null)));
    return rows.map(({ appeal, statement }) => ({
      id: appeal.id,
      state: appeal.state,
      explanation: appeal.explanation,
      createdAt: appeal.createdAt,
      outcomeReason: appeal.outcomeReason,
      decidedBy: appeal.decidedBy !== null ? (names.get(appeal.decidedBy) ?? `user ${appeal.decidedBy}`) : null,
      originalDecider: appeal.originalDeciderId !== null ? `${names.get(appeal.originalDeciderId) ?? `user ${appeal.originalDeciderId}`}` : 'automated',
      mine: appeal.originalDeciderId === staffId,
      replier: isReplierStatement(statement.puid),
      statement: { puid: statement.puid, createdAt: statement.createdAt, decisionFacts: statement.decisionFacts, ...statementSummary(statement) },
    }));
  };

  const renderItem = async (
    request: FastifyRequest,
    reply: FastifyReply,
    itemId: number,
    error: AppError | null,
    appealForm?: { values: Record<string, string>; errors: Record<string, string> },
  ) => {
    const staff = me(request);
    const now = ctx.now();
    let item = await repo.item(itemId);
    if (!item) return sendError(request, reply, notFound());
    const ad = await ctx.ads.findById(item.adId);
    if (!ad) return sendError(request, reply, notFound());
    // Their own ad, or a staff ad of their rank or above: not claimed, and the page says why (policy.ts decisionConflict).
    const conflict = item.state === 'open' ? await decisions.conflict(ad.id, staff.id) : null;
    if (item.state === 'open' && !error && !conflict) item = (await repo.claim(item.id, staff.id, now)) ?? item; // claim on open
    const claimed = item.claimedBy !== null && item.claimedUntil !== null && item.claimedUntil > now;
    const claimant = claimed ? ((await emailsOf([item.claimedBy!])).get(item.claimedBy!) ?? null) : null;

    const [photos, flagRows, noticeRows, historyRows, messageReports] = await Promise.all([
      ctx.ads.photosOf(ad.id),
      repo.flagsOf(ad.id),
      repo.noticesOf(ad.id),
      db.select({ id: ads.id }).from(ads).where(and(eq(ads.email, ad.email), ne(ads.id, ad.id))).orderBy(desc(ads.createdAt)).limit(50),
      ctx.relayRepository.reportsForAd(ad.id),
    ]);
    const replierAccounts = new Map<number, boolean>();
    for (const r of messageReports) {
      if (!replierAccounts.has(r.thread.id)) replierAccounts.set(r.thread.id, (await ctx.relayRepository.accountOf(r.thread.replierEmail, r.thread.replierUserId)) !== undefined);
    }
    const linked: ReviewPageInput['linked'] = [];
    let templateGroupSize = 0;
    for (const kind of LINK_KINDS) {
      const ids = await decisions.linkedAdIds(ad.id, kind);
      if (kind === 'template') templateGroupSize = ids.length;
      linked.push({ kind, ads: await summaries(ids.filter((id) => id !== ad.id).slice(0, 100)) });
    }
    const city = ctx.places.cityById.get(ad.cityId);
    const category = ctx.places.categoryById.get(ad.categoryId);
    const removed = await missingPhotoIds(ctx.photos, photos, 'medium');
    const reposts = repostsOf(ad.screening);
    const earlier = new Map((await summaries(reposts.map((r) => r.adId))).map((a) => [a.id, a]));
    const input: ReviewPageInput = {
      item,
      ad: { id: ad.id, title: ad.title, body: ad.body, state: ad.state, email: ad.email, phone: ad.phone, city: city?.name ?? '?', category: category?.name ?? '?', createdAt: ad.createdAt },
      photos: photos.map((p) => ({ src: photoUrl(p.storageKey, 'medium', STAFF_PHOTOS), removed: removed.has(p.id) })),
      screening: screeningOf(ad.screening),
      flags: flagRows,
      notices: noticeRows.map((n) => ({ id: n.id, category: n.category, explanation: n.explanation, outcome: n.outcome, trusted: n.trustedFlaggerId !== null })),
      history: await summaries(historyRows.map((r) => r.id)),
      reposts: reposts.map((r) => ({ ...r, earlier: earlier.get(r.adId) ?? null })),
      messageReports: messageReports.map((r) => ({ ...r, replierAccount: replierAccounts.get(r.thread.id) ?? false })),
      linked,
      templateGroupSize: templateGroupSize > 1 ? templateGroupSize : 0,
      claim: { mine: claimed && item.claimedBy === staff.id, by: claimant, until: claimed ? item.claimedUntil : null },
      conflict,
      categories: [...ctx.places.categoryById.values()].filter((c) => c.parentId !== null).map((c) => ({ id: c.id, name: c.name })),
      csrf: reply.generateCsrf(),
      now,
      error: error ? (error.fields ? Object.values(error.fields).join(' ') : error.message) : null,
      appeals: item.source === 'appeal' ? await appealsOf(item.id, staff.id) : undefined,
      appealValues: appealForm?.values,
      appealErrors: appealForm?.errors,
    };
    return send(reply, reviewPage(input), error?.status ?? 200);
  };

  app.get<IdParams>('/staff/items/:id', guard, async (request, reply) => renderItem(request, reply, idOf(request.params.id), null));

  app.post<IdParams>('/staff/items/:id/decide', guardPost, async (request, reply) => {
    const itemId = idOf(request.params.id);
    if (!Number.isSafeInteger(itemId)) return sendError(request, reply, notFound());
    const values = textFields(request.body);
    try {
      const { adId } = await decisions.decide(itemId, me(request).id, decisionFrom(values));
      await ctx.relayRepository.resolveReportsOfAd(adId, ctx.now()); // the ad's items are all decided now
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      if (!(await repo.item(itemId))) return sendError(request, reply, notFound());
      return renderItem(request, reply, itemId, e);
    }
    return reply.redirect(`/staff/queue?decided=${itemId}`, 303);
  });

  app.post<IdParams>('/staff/items/:id/bulk', guardPost, async (request, reply) => {
    const staff = me(request);
    const itemId = idOf(request.params.id);
    const item = await repo.item(itemId);
    if (!item) return sendError(request, reply, notFound());
    const values = textFields(request.body);
    try {
      const now = ctx.now();
      if (item.state !== 'open') throw new AppError('conflict', 'This item has already been decided.');
      if (item.source === 'appeal') throw new AppError('conflict', 'This item is an appeal: uphold or reverse the appealed decision instead.');
      if (item.claimedBy !== staff.id || !item.claimedUntil || item.claimedUntil <= now) throw new AppError('conflict', 'Claim this item before deciding it: your claim expired or another moderator holds it.');
      if (values.link !== 'template') throw new AppError('bad_request', 'Bulk decisions from this page apply to a template group.');
      const reason = policyReason(values.reason);
      const ids = await decisions.linkedAdIds(item.adId, 'template');
      if (String(ids.length) !== values.expected) throw new AppError('conflict', `The group has changed: it now has ${ids.length} live ads. Check the list again before deciding.`);
      const { skipped } = await decisions.decideLinked(item.adId, 'template', staff.id, { kind: 'remove', reason }, item);
      if (skipped.length > 0) return reply.redirect(`/staff/queue?decided=${itemId}&skipped=${skipped.map((x) => x.adId).join('.')}`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      return renderItem(request, reply, itemId, e);
    }
    return reply.redirect(`/staff/queue?decided=${itemId}`, 303);
  });

  app.post<IdParams>('/staff/items/:id/replier', guardPost, async (request, reply) => {
    const itemId = idOf(request.params.id);
    const item = Number.isSafeInteger(itemId) ? await repo.item(itemId) : undefined;
    if (!item || item.source !== 'message_report') return sendError(request, reply, notFound());
    const values = textFields(request.body);
    let closed: boolean;
    try {
      const reportId = /^\d{1,15}$/.test(values.report ?? '') ? Number(values.report) : NaN;
      if (!Number.isSafeInteger(reportId)) throw new AppError('bad_request', 'Choose the reported message.');
      closed = (await ctx.moderation.repliers.decide(itemId, reportId, me(request).id, replierDecisionFrom(values))).itemClosed;
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      return renderItem(request, reply, itemId, e);
    }
    return reply.redirect(closed ? `/staff/queue?decided=${itemId}` : `/staff/items/${itemId}`, 303);
  });

  app.post<IdParams>('/staff/items/:id/appeal', guardPost, async (request, reply) => {
    const itemId = idOf(request.params.id);
    const item = await repo.item(itemId);
    if (!item || item.source !== 'appeal') return sendError(request, reply, notFound());
    const values = textFields(request.body);
    delete values._csrf;
    const appealId = /^\d{1,15}$/.test(values.appeal ?? '') ? Number(values.appeal) : NaN;
    const appeal = Number.isSafeInteger(appealId) ? await ctx.moderation.appeals.forItem(itemId).then((rows) => rows.find((r) => r.appeal.id === appealId)) : undefined;
    if (!appeal) return sendError(request, reply, notFound());
    try {
      await ctx.moderation.appeals.decide(appealId, me(request).id, values);
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) throw err;
      return renderItem(request, reply, itemId, e, { values, errors: e.fields ?? {} });
    }
    return reply.redirect(`/staff/queue?decided=${itemId}`, 303);
  });

  // --- metrics -----------------------------------------------------------------------------------

  app.get('/staff/metrics', guard, async (request, reply) =>
    send(reply, metricsPage(await moderationMetrics(ctx.database, ctx.now()), await ctx.mailOutbox.counts(), staffUser(request)?.role === 'admin')),
  );
  app.get('/staff/metrics.prom', guard, async (_request, reply) =>
    reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(toPrometheus(await moderationMetrics(ctx.database, ctx.now()), await ctx.mailOutbox.counts())),
  );
}

function policyReason(raw: string | undefined): PolicyReasonKey {
  if (!raw || !(raw in POLICY_REASONS)) throw new AppError('validation_failed', 'Choose the rule the ad breaks.', { reason: 'Choose the rule the ad breaks.' });
  return raw as PolicyReasonKey;
}

/** The decision a form asks for; the service validates the rest (reason known, days in range, category exists). */
export function decisionFrom(values: Record<string, string>): Decision {
  const kind = values.action as Decision['kind'] | undefined;
  const note = values.note?.trim() ? values.note.trim().slice(0, 1000) : undefined;
  switch (kind) {
    case 'approve':
    case 'escalate':
      return { kind, note };
    case 'remove':
    case 'warn':
    case 'ban':
      return { kind, reason: policyReason(values.reason), note };
    case 'suspend': {
      const days = /^\d{1,3}$/.test(values.days ?? '') ? Number(values.days) : NaN;
      if (!Number.isInteger(days) || days < 1 || days > 365) throw new AppError('validation_failed', 'A suspension lasts 1 to 365 days.', { days: 'A suspension lasts 1 to 365 days.' });
      return { kind, reason: policyReason(values.reason), days, note };
    }
    case 'move_category': {
      const categoryId = /^\d{1,9}$/.test(values.category ?? '') ? Number(values.category) : NaN;
      if (!Number.isInteger(categoryId)) throw new AppError('validation_failed', 'Choose a category.', { category: 'Choose a category.' });
      return { kind, categoryId, note };
    }
    default:
      throw new AppError('bad_request', 'Choose a decision.');
  }
}

/** The replier decision a form asks for; the service checks the rest (the report, the account, the claim). */
export function replierDecisionFrom(values: Record<string, string>): ReplierDecision {
  const kind = values.action as ReplierAction | undefined;
  if (!kind || !(REPLIER_ACTIONS as readonly string[]).includes(kind)) throw new AppError('bad_request', 'Choose what to do about the replier.');
  const note = values.note?.trim() ? values.note.trim().slice(0, 1000) : undefined;
  const reason = policyReason(values.reason);
  if (kind !== 'suspend') return { kind, reason, note };
  const days = /^\d{1,3}$/.test(values.days ?? '') ? Number(values.days) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new AppError('validation_failed', 'A suspension lasts 1 to 365 days.', { days: 'A suspension lasts 1 to 365 days.' });
  return { kind, reason, days, note };
}

/** The stored screening verdict (ads.screening), read defensively: older rows may lack fields. */
export function screeningOf(raw: unknown): ReviewPageInput['screening'] {
  if (!raw || typeof raw !== 'object') return null;
  const v = raw as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  const details = v.details && typeof v.details === 'object' ? (v.details as Record<string, unknown>) : {};
  const reasons = Array.isArray(v.reasons)
    ? v.reasons.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object').map((r) => ({ rule: str(r.rule), label: str(r.label), evidence: str(r.evidence) }))
    : [];
  return {
    decision: str(v.decision),
    score: typeof v.score === 'number' ? v.score : 0,
    labels: Array.isArray(v.labels) ? v.labels.filter((l): l is string => typeof l === 'string') : [],
    reasons,
    group: typeof v.group === 'string' ? v.group : null,
    editedUnderReviewAt: typeof details.editedUnderReviewAt === 'string' ? new Date(details.editedUnderReviewAt) : null,
  };
}
