/**
 * The moderation API under /api/v1/staff for scripts and tools of staff: the queue, an item with
 * its ad and screening reasons, claim, decide (the same DecisionService as the pages) and the
 * statements of reasons. Only a bearer token with the staff scope whose owner is staff now gets in;
 * no token or a bad one is a 401, any other token a 404 like an unknown address (never data).
 * The token was made from a session past the two-factor step (src/http/routes/accounts.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../../composition.ts';
import { adPath } from '../../listings/ad-slug.ts';
import type { QueueEntry, ReviewItemRow } from '../../moderation/moderation.repository.ts';
import { toTransparencyDatabase } from '../../moderation/statements.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import type { StaffDecisionResultSchema, StaffItemSchema, StaffQueueItemSchema, StaffQueuePageSchema, StatementPageSchema } from '../api/staff-api-doc.ts';
import { sendError } from '../errors.ts';
import { photoUrl, STAFF_API_PHOTOS } from '../views/format.ts';
import { sendStaffPhoto } from './photos.ts';
import { decisionFrom, screeningOf } from './staff.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

type StaffCaller = { id: number; email: string };
type IdParams = { Params: { id: string } };

export function registerStaffApiRoutes(app: FastifyInstance, ctx: AppContext) {
  const { repo, decisions } = ctx.moderation;

  const unauthorized = (reply: FastifyReply, message: string) =>
    reply.status(401).header('www-authenticate', 'Bearer realm="corkboard"').header('cache-control', 'no-store').send({ error: { code: 'unauthorized', message } });
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendError(request, reply, new AppError('not_found', 'There is nothing at this address.'));

  /** The staff member behind the token, or undefined with the answer already sent. */
  const caller = async (request: FastifyRequest, reply: FastifyReply): Promise<StaffCaller | undefined> => {
    reply.header('cache-control', 'no-store');
    const header = request.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m) {
      unauthorized(reply, 'Send a staff API token as "Authorization: Bearer <token>".');
      return undefined;
    }
    const holder = await ctx.accountService.apiTokenHolder(m[1]!);
    if (!holder) {
      unauthorized(reply, 'This API token is not valid or was revoked.');
      return undefined;
    }
    if (!holder.staff) {
      notFound(request, reply);
      return undefined;
    }
    return { id: holder.user.id, email: holder.user.email };
  };

  const itemIdOf = (raw: string) => (/^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined);
  const pageParams = (q: Record<string, unknown>) => {
    const fields: Record<string, string> = {};
    const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    const limitRaw = str('limit');
    const limit = limitRaw === undefined ? DEFAULT_LIMIT : /^\d{1,3}$/.test(limitRaw) && +limitRaw >= 1 && +limitRaw <= MAX_LIMIT ? Number(limitRaw) : NaN;
    if (Number.isNaN(limit)) fields.limit = `Give a page size from 1 to ${MAX_LIMIT}.`;
    const cursorRaw = str('cursor');
    const cursor = cursorRaw === undefined ? undefined : itemIdOf(cursorRaw);
    if (cursorRaw !== undefined && cursor === undefined) fields.cursor = 'Pass the `next` value of the previous page.';
    const priorityRaw = str('priority');
    const priority = priorityRaw === undefined ? undefined : /^[0-3]$/.test(priorityRaw) ? Number(priorityRaw) : NaN;
    if (Number.isNaN(priority)) fields.priority = 'Priority is 0, 1, 2 or 3.';
    if (Object.keys(fields).length > 0) throw validationError(fields, 'Some parameters are not valid.');
    return { limit, cursor, priority };
  };

  const presentItem = (item: ReviewItemRow, adTitle: string): z.infer<typeof StaffQueueItemSchema> => {
    const now = ctx.now();
    const claimed = item.claimedBy !== null && item.claimedUntil !== null && item.claimedUntil > now;
    return {
      id: item.id,
      ad_id: item.adId,
      ad_title: adTitle,
      priority: item.priority,
      label: item.label,
      source: item.source,
      trusted: item.trusted,
      state: item.state,
      created_at: item.createdAt.toISOString(),
      sla_due_at: item.slaDueAt.toISOString(),
      overdue: item.state === 'open' && item.slaDueAt < now,
      claimed_by: claimed ? item.claimedBy : null,
      claimed_until: claimed ? item.claimedUntil!.toISOString() : null,
      decision: item.decision,
    };
  };

  app.get('/api/v1/staff/queue', async (request, reply) => {
    const staff = await caller(request, reply);
    if (!staff) return reply;
    const { limit, cursor, priority } = pageParams(request.query as Record<string, unknown>);
    const page = await repo.queuePage({ limit, priority, after: cursor });
    const body: z.infer<typeof StaffQueuePageSchema> = {
      items: page.entries.map((e: QueueEntry) => presentItem(e.item, e.ad.title)),
      next: page.more && page.entries.length > 0 ? String(page.entries.at(-1)!.item.id) : null,
    };
    return reply.send(body);
  });

  app.get<IdParams>('/api/v1/staff/items/:id', async (request, reply) => {
    const staff = await caller(request, reply);
    if (!staff) return reply;
    const id = itemIdOf(request.params.id);
    const item = id === undefined ? undefined : await repo.item(id);
    const ad = item ? await ctx.ads.findById(item.adId) : undefined;
    if (!item || !ad) return notFound(request, reply);
    const [photos, flagRows, noticeRows] = await Promise.all([ctx.ads.photosOf(ad.id), repo.flagsOf(ad.id), repo.noticesOf(ad.id)]);
    const city = ctx.places.cityById.get(ad.cityId);
    const category = ctx.places.categoryById.get(ad.categoryId);
    const body: z.infer<typeof StaffItemSchema> = {
      item: presentItem(item, ad.title),
      ad: {
        id: ad.id,
        state: ad.state,
        title: ad.title,
        body: ad.body,
        price: ad.price,
        currency: ad.currency,
        city: city?.slug ?? '',
        category: category?.slug ?? '',
        url: adPath(ad, city?.slug ?? 'x', category?.slug ?? 'x'),
        email: ad.email,
        phone: ad.phone,
        photos: photos.map((p) => photoUrl(p.storageKey, 'medium', STAFF_API_PHOTOS)),
        created_at: ad.createdAt.toISOString(),
      },
      screening: screeningOf(ad.screening),
      flags: flagRows.map((f) => ({ reason: f.reason, weight: f.weight, outcome: f.outcome, created_at: f.createdAt.toISOString() })),
      notices: noticeRows.map((n) => ({ id: n.id, category: n.category, explanation: n.explanation, outcome: n.outcome, trusted: n.trustedFlaggerId !== null })),
    };
    return reply.send(body);
  });

  // The item's photos, whatever the ad's state: the public /photos addresses answer only for live ads.
  app.get<{ Params: { '*': string } }>(`${STAFF_API_PHOTOS}/*`, async (request, reply) => {
    const staff = await caller(request, reply);
    if (!staff) return reply;
    return sendStaffPhoto(ctx, request, reply, request.params['*']);
  });

  app.post<IdParams>('/api/v1/staff/items/:id/claim', async (request, reply) => {
    const staff = await caller(request, reply);
    if (!staff) return reply;
    const id = itemIdOf(request.params.id);
    const item = id === undefined ? undefined : await repo.item(id);
    if (!item) return notFound(request, reply);
    if (item.state !== 'open') throw new AppError('conflict', 'This item has already been decided.');
    const refused = await decisions.conflict(item.adId, staff.id);
    if (refused) throw new AppError('forbidden', refused);
    const claimed = await repo.claim(item.id, staff.id, ctx.now());
    if (!claimed) throw new AppError('conflict', `Another moderator holds the claim until ${item.claimedUntil?.toISOString() ?? '?'}.`);
    const ad = await ctx.ads.findById(claimed.adId);
    return reply.send(presentItem(claimed, ad?.title ?? ''));
  });

  app.post<IdParams>('/api/v1/staff/items/:id/decide', async (request, reply) => {
    const staff = await caller(request, reply);
    if (!staff) return reply;
    const id = itemIdOf(request.params.id);
    if (id === undefined || !(await repo.item(id))) return notFound(request, reply);
    const raw = request.body;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AppError('bad_request', 'The body must be a JSON object such as {"action": "remove", "reason": "spam"}.');
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number') values[k] = String(v);
    // The category may be given by slug, as everywhere else in the API.
    if (values.category && !/^\d+$/.test(values.category)) {
      const c = ctx.places.categoryBySlug.get(values.category);
      if (!c) throw validationError({ category: `There is no category "${values.category}".` });
      values.category = String(c.id);
    }
    const result = await decisions.decide(id, staff.id, decisionFrom(values));
    const body: z.infer<typeof StaffDecisionResultSchema> = { item_id: id, ad_id: result.adId, decision: values.action!, statements: result.statements };
    return reply.send(body);
  });

  app.get('/api/v1/staff/statements', async (request, reply) => {
    const staff = await caller(request, reply);
    if (!staff) return reply;
    const { limit, cursor } = pageParams({ ...(request.query as Record<string, unknown>), priority: undefined });
    const rows = await repo.statementsPage(limit + 1, cursor);
    const page = rows.slice(0, limit);
    const body: z.infer<typeof StatementPageSchema> = {
      items: page.map(
        (row) =>
          ({
            id: row.id,
            ad_id: row.adId,
            created_at: row.createdAt.toISOString(),
            ...toTransparencyDatabase(row),
            recipient_email: row.recipientEmail,
            recipient_user_id: row.recipientUserId,
          }) as z.infer<typeof StatementPageSchema>['items'][number]),
      next: rows.length > limit ? String(page.at(-1)!.id) : null,
    };
    return reply.send(body);
  });
}
