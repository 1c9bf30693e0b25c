/**
 * Atom 1.0 feeds for any search: /feed.atom takes the same parameters as /search and lists the
 * 50 newest matching ads. City and category pages link to it with <link rel="alternate">.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { parseSearchParams, type ParsedSearch } from '../../listings/search-params.ts';
import type { ListedAd } from '../../listings/search.repository.ts';
import { adHref } from '../views/ad-list.ts';
import { formatPrice, queryString } from '../views/format.ts';

export const FEED_ENTRIES = 50;
const SUMMARY_BODY_CHARS = 300;
/** Parameters that change a feed's content; paging and ordering are the feed's own. */
const IGNORED_PARAMS = new Set(['cursor', 'limit', 'sort']);

// Characters XML 1.0 does not allow at all, even escaped, and lone surrogates.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe for XML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** The feed of a search or listing page, for its <link rel="alternate" type="application/atom+xml">. */
export function feedPath(params: Record<string, string>): string {
  return `/feed.atom${queryString(Object.fromEntries(Object.entries(params).filter(([k]) => !IGNORED_PARAMS.has(k))))}`;
}

export function registerFeedsRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/feed.atom', async (request, reply) => {
    // A search page's address may carry paging and ordering; a feed has its own, so they are dropped.
    const raw = Object.fromEntries(Object.entries(request.query as Record<string, unknown>).filter(([k]) => !IGNORED_PARAMS.has(k)));
    const parsed = parseSearchParams(raw, ctx.places, { limit: FEED_ENTRIES });
    if (Object.keys(parsed.errors).length > 0) {
      return reply
        .status(400)
        .type('application/json; charset=utf-8')
        .send({ error: { code: 'validation_failed', message: 'Some feed parameters are not valid.', fields: parsed.errors } });
    }
    const page = await ctx.search.search({ ...parsed.query, sort: 'newest', cursor: undefined, limit: FEED_ENTRIES });
    const bodies = await bodiesOf(ctx, page.items.map((a) => a.id));
    const xml = renderFeed(ctx, parsed, page.items, bodies);
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(xml);
  });
}

/** Older name, kept for callers that registered feeds under it. */
export const registerFeedRoutes = registerFeedsRoutes;

async function bodiesOf(ctx: AppContext, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.database.query<{ id: number | string; body: string }>(`select id, body from ads where id = any($1::bigint[])`, [ids]);
  return new Map(rows.map((r) => [Number(r.id), r.body]));
}

function feedTitle(parsed: ParsedSearch): string {
  const { scope, query } = parsed;
  const what = scope.category?.name ?? 'All ads';
  const where = scope.city?.name ?? scope.region?.name ?? scope.country?.name;
  const words = query.q ? ` matching “${query.q}”` : '';
  return `Corkboard: ${what}${words}${where ? ` in ${where}` : ''}`;
}

/** The HTML page showing the same ads: a city or city+category listing page when it is one, else search. */
function alternatePath(params: Record<string, string>): string {
  const keys = Object.keys(params).sort().join(',');
  if (keys === 'category,city') return `/${encodeURIComponent(params.city!)}/${encodeURIComponent(params.category!)}`;
  if (keys === 'city') return `/${encodeURIComponent(params.city!)}`;
  return `/search${queryString(params)}`;
}

export function summaryOf(ad: ListedAd, body: string): string {
  const price = formatPrice(ad.price, ad.currency);
  const text = body.replace(/\s+/g, ' ').trim();
  const excerpt = text.length > SUMMARY_BODY_CHARS ? `${text.slice(0, SUMMARY_BODY_CHARS).trimEnd()}…` : text;
  return [price, ad.neighbourhood, excerpt].filter(Boolean).join(' · ');
}

function renderFeed(ctx: AppContext, parsed: ParsedSearch, items: ListedAd[], bodies: Map<number, string>): string {
  const base = ctx.config.publicUrl.replace(/\/+$/, '');
  const host = new URL(base).hostname;
  const params = parsed.params;
  const self = `${base}/feed.atom${queryString(params)}`;
  const updated = (items[0]?.bumpedAt ?? ctx.now()).toISOString();
  const entries = items.map((ad) => {
    const url = `${base}${adHref(ad, ctx.places)}`;
    const category = ctx.places.categoryById.get(ad.categoryId);
    return `  <entry>
    <id>tag:${escapeXml(host)},2025:ad-${ad.id}</id>
    <title type="text">${escapeXml(ad.title)}</title>
    <updated>${ad.bumpedAt.toISOString()}</updated>
    <published>${ad.bumpedAt.toISOString()}</published>
    <link rel="alternate" type="text/html" href="${escapeXml(url)}"/>
${category ? `    <category term="${escapeXml(category.slug)}" label="${escapeXml(category.name)}"/>\n` : ''}    <summary type="text">${escapeXml(summaryOf(ad, bodies.get(ad.id) ?? ''))}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(self)}</id>
  <title type="text">${escapeXml(feedTitle(parsed))}</title>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${escapeXml(self)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(base + alternatePath(params))}"/>
  <author><name>Corkboard</name><uri>${escapeXml(base)}/</uri></author>
  <generator>Corkboard</generator>
${entries.join('\n')}
</feed>
`;
}
