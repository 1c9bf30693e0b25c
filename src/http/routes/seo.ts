/**
 * robots.txt and sitemaps. /sitemap.xml is always a sitemap index, so its address never changes as
 * the site grows: it points to /sitemaps/places.xml (home, country, city and city+category pages with
 * live ads) and to /sitemaps/ads-<n>.xml, each holding the published ads with ids in
 * [n·size, (n+1)·size), so no file exceeds the protocol's 50,000 URLs and a chunk's URLs stay put.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { adPath } from '../../listings/ad-slug.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError } from '../errors.ts';
import { escapeXml } from './feeds.ts';

/** The sitemap protocol's limit of URLs per file. */
export const MAX_SITEMAP_URLS = 50_000;

export interface SeoOptions {
  /** Ads per ads sitemap (an id range of this width); tests use small values. */
  adsPerSitemap?: number;
}

interface SitemapUrl {
  loc: string;
  lastmod?: Date;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

export function registerSeoRoutes(app: FastifyInstance, ctx: AppContext, opts: SeoOptions = {}) {
  const chunk = Math.min(MAX_SITEMAP_URLS, Math.max(1, Math.floor(opts.adsPerSitemap ?? MAX_SITEMAP_URLS)));
  const base = () => ctx.config.publicUrl.replace(/\/+$/, '');

  app.get('/robots.txt', async (_request, reply) => {
    const text = ['User-agent: *', 'Disallow: /manage/', 'Disallow: /ad-photos/', 'Disallow: /confirm/', 'Disallow: /post', '', `Sitemap: ${base()}/sitemap.xml`, ''].join('\n');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(text);
  });

  app.get('/sitemap.xml', async (_request, reply) => {
    const rows = await ctx.database.query<{ n: number | string; lastmod: Date | string | null }>(
      `select (id / ${chunk})::bigint as n, max(greatest(updated_at, bumped_at)) as lastmod
         from ads where state = 'published' group by 1 order by 1`,
    );
    const placesLastmod = rows.reduce<Date | undefined>((max, r) => {
      const d = toDate(r.lastmod);
      return d && (!max || d > max) ? d : max;
    }, undefined);
    const sitemaps: SitemapUrl[] = [
      { loc: `${base()}/sitemaps/places.xml`, lastmod: placesLastmod },
      ...rows.map((r) => ({ loc: `${base()}/sitemaps/ads-${Number(r.n)}.xml`, lastmod: toDate(r.lastmod) })),
    ];
    const body = `${XML_HEAD}<sitemapindex xmlns="${SITEMAP_NS}">\n${sitemaps.map((s) => `  <sitemap>${urlFields(s)}</sitemap>`).join('\n')}\n</sitemapindex>\n`;
    return sendXml(reply, body);
  });

  app.get('/sitemaps/places.xml', async (_request, reply) => {
    const urls: SitemapUrl[] = [{ loc: `${base()}/` }, { loc: `${base()}/about/safety` }];
    for (const country of ctx.places.countries) urls.push({ loc: `${base()}/places/${country.slug}` });
    for (const city of [...ctx.places.cities].sort((a, b) => b.population - a.population)) urls.push({ loc: `${base()}/${city.slug}` });
    // City+category listing pages with live ads, and their parent categories' pages.
    const rows = await ctx.database.query<{ city_id: number; category_id: number; n: number; lastmod: Date | string }>(
      `select city_id, category_id, count(*)::int as n, max(bumped_at) as lastmod
         from ads where state = 'published' group by city_id, category_id order by n desc`,
    );
    const pages = new Map<string, SitemapUrl>();
    for (const r of rows) {
      const city = ctx.places.cityById.get(Number(r.city_id));
      const category = ctx.places.categoryById.get(Number(r.category_id));
      if (!city || !category) continue;
      const parent = ctx.places.parentOf(category);
      for (const c of parent ? [category, parent] : [category]) {
        const loc = `${base()}/${city.slug}/${c.slug}`;
        const lastmod = toDate(r.lastmod);
        const seen = pages.get(loc);
        if (!seen) pages.set(loc, { loc, lastmod });
        else if (lastmod && (!seen.lastmod || lastmod > seen.lastmod)) seen.lastmod = lastmod;
      }
    }
    urls.push(...pages.values());
    return sendXml(reply, urlset(urls.slice(0, MAX_SITEMAP_URLS)));
  });

  app.get<{ Params: { n: string } }>('/sitemaps/ads-:n.xml', async (request, reply) => {
    const n = /^\d{1,9}$/.test(request.params.n) ? Number(request.params.n) : NaN;
    const rows = Number.isSafeInteger(n * chunk)
      ? await ctx.database.query<{ id: number | string; title: string; city_id: number; category_id: number; lastmod: Date | string }>(
          `select id, title, city_id, category_id, greatest(updated_at, bumped_at) as lastmod
             from ads where state = 'published' and id >= $1 and id < $2 order by id`,
          [n * chunk, (n + 1) * chunk],
        )
      : [];
    if (rows.length === 0) return sendError(request, reply, new AppError('not_found', 'There is no such sitemap.'));
    const urls: SitemapUrl[] = [];
    for (const r of rows) {
      const city = ctx.places.cityById.get(Number(r.city_id));
      const category = ctx.places.categoryById.get(Number(r.category_id));
      if (city && category) urls.push({ loc: `${base()}${adPath({ id: Number(r.id), title: r.title }, city.slug, category.slug)}`, lastmod: toDate(r.lastmod) });
    }
    return sendXml(reply, urlset(urls));
  });
}

function toDate(v: Date | string | null | undefined): Date | undefined {
  if (v === null || v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function urlFields(u: SitemapUrl): string {
  return `<loc>${escapeXml(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod.toISOString()}</lastmod>` : ''}`;
}

function urlset(urls: SitemapUrl[]): string {
  return `${XML_HEAD}<urlset xmlns="${SITEMAP_NS}">\n${urls.map((u) => `  <url>${urlFields(u)}</url>`).join('\n')}\n</urlset>\n`;
}

function sendXml(reply: FastifyReply, body: string) {
  return reply.type('application/xml; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body);
}
