import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../src/http/errors.ts';
import { registerSeoRoutes } from '../src/http/routes/seo.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
const ids: Record<string, number> = {};
let unconfirmedId: number;
let n = 0;

async function postAd(fields: Record<string, unknown>, confirm = true): Promise<number> {
  const { id } = await postAdDirect(t, { body: 'A perfectly ordinary description of the thing.', city: 'chicago', contact_mode: 'relay', ...fields, email: `feed${n++}@example.com` }, { confirm });
  t.clock.advanceHours(1);
  return id;
}

async function get(url: string, app: FastifyInstance = t.app) {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: res.body };
}

/**
 * A small well-formedness check: tags nest and close, attributes are quoted, and text holds no raw
 * `<` or bare `&`. Returns the element names in document order.
 */
function parseXml(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length && (m = token.exec(body))) {
    pos = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    const checkEntities = (s: string) => {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(s)) throw new Error(`bare & in ${JSON.stringify(s)}`);
    };
    if (text !== undefined) {
      checkEntities(text);
      continue;
    }
    checkEntities(attrs ?? '');
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      names.push(name!);
      if (!selfClosing) stack.push(name!);
    }
  }
  if (pos !== body.length) throw new Error(`cannot parse at ${JSON.stringify(body.slice(pos, pos + 40))}`);
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return names;
}

const count = (names: string[], name: string) => names.filter((x) => x === name).length;
const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

beforeAll(async () => {
  t = await createTestApp();
  t.clock.advanceHours(-24);
  ids.sofa = await postAd({ title: 'Green velvet sofa', price: '250', category: 'furniture', neighbourhood: 'Lakeview' });
  ids.tricky = await postAd({ title: 'Lamp <&> "quotes" & more', body: `Bright lamp & shade <b>bold</b>. Long text follows: the lamp stands 160 cm tall with a brass stem and a linen drum shade. It takes one E27 bulb up to 60 W, has a foot switch, and the cable is two metres long. Bought three years ago from a design shop downtown; no scratches, the shade was cleaned last week. Smoke-free home, cat in the house but never near it. Collection from the north side on weekday evenings or Saturday morning. Cash or bank transfer on collection.`, price: '900', category: 'furniture' });
  ids.car = await postAd({ title: 'Toyota Corolla 2015', price: '9000', category: 'cars-trucks', f_make: 'toyota', f_year: '2015' });
  ids.toronto = await postAd({ title: 'Toronto bookshelf', price: '40', category: 'furniture', city: 'toronto' });
  unconfirmedId = await postAd({ title: 'Unconfirmed velvet chair', price: '50', category: 'furniture' }, false);
});

afterAll(async () => {
  await t?.close();
});

describe('GET /feed.atom', () => {
  it('(the XML check used here rejects broken XML)', () => {
    expect(parseXml('<a><b>x &amp; y</b><c k="v"/></a>')).toEqual(['a', 'b', 'c']);
    expect(() => parseXml('<a>x & y</a>')).toThrow();
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<a>1 < 2</a>')).toThrow();
    expect(() => parseXml('<a>')).toThrow();
  });

  it('is a valid Atom feed of the matching ads, newest first', async () => {
    const res = await get('/feed.atom?city=chicago&category=furniture');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/atom+xml; charset=utf-8');
    const names = parseXml(res.text);
    expect(names[0]).toBe('feed');
    expect(res.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    for (const el of ['id', 'title', 'updated', 'author']) expect(names).toContain(el);
    expect(count(names, 'entry')).toBe(2);
    expect(res.text).toContain('<link rel="self" type="application/atom+xml" href="http://localhost:3000/feed.atom?city=chicago&amp;category=furniture"/>');
    expect(res.text).toContain('<link rel="alternate" type="text/html" href="http://localhost:3000/chicago/furniture"/>');
    expect(res.text).toMatch(/<title type="text">Corkboard: Furniture in Chicago<\/title>/);
    const entryTitles = [...res.text.matchAll(/<entry>[\s\S]*?<title type="text">([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(entryTitles).toEqual(['Lamp &lt;&amp;&gt; &quot;quotes&quot; &amp; more', 'Green velvet sofa']);
    expect(res.text).not.toContain('Unconfirmed');
    // Each entry has an id, an updated date in RFC 3339 form and a link to the ad page.
    const entries = res.text.split('<entry>').slice(1);
    for (const e of entries) {
      expect(e).toMatch(/<id>tag:localhost,2025:ad-\d+<\/id>/);
      expect(e).toMatch(/<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z<\/updated>/);
      expect(e).toMatch(/<link rel="alternate" type="text\/html" href="http:\/\/localhost:3000\/chicago\/furniture\/[a-z0-9-]+-\d+"\/>/);
    }
    expect(res.text).toContain(`href="http://localhost:3000/chicago/furniture/green-velvet-sofa-${ids.sofa}"`);
  });

  it('summarises price, neighbourhood and the start of the description, escaped', async () => {
    const res = await get('/feed.atom?city=chicago&category=furniture');
    const summaries = [...res.text.matchAll(/<summary type="text">([^<]*)<\/summary>/g)].map((m) => m[1]!);
    expect(summaries[1]).toBe('$250 · Lakeview · A perfectly ordinary description of the thing.');
    expect(summaries[0]).toMatch(/^\$900 · Bright lamp &amp; shade &lt;b&gt;bold&lt;\/b&gt;\. Long text follows/);
    expect(summaries[0]!.endsWith('…')).toBe(true);
    expect(summaries[0]!.length).toBeLessThan(400);
  });

  it('accepts the search page parameters', async () => {
    const all = await get('/feed.atom');
    expect(count(parseXml(all.text), 'entry')).toBe(4);
    expect(all.text).toContain('<link rel="alternate" type="text/html" href="http://localhost:3000/search"/>');
    const words = await get('/feed.atom?q=velvet');
    expect(count(parseXml(words.text), 'entry')).toBe(1);
    expect(words.text).toContain('matching “velvet”');
    const cars = await get('/feed.atom?category=cars-trucks&f_make=toyota&min_price=1000');
    expect(count(parseXml(cars.text), 'entry')).toBe(1);
    const fromSearchPage = await get('/feed.atom?city=chicago&sort=price&limit=1000&cursor=junk');
    expect(fromSearchPage.status).toBe(200);
    expect(count(parseXml(fromSearchPage.text), 'entry')).toBe(3);
    expect(fromSearchPage.text).toContain('href="http://localhost:3000/feed.atom?city=chicago"');
    const none = await get('/feed.atom?country=canada&category=cars-trucks');
    expect(count(parseXml(none.text), 'entry')).toBe(0);
    expect(none.text).toMatch(/<updated>\d{4}-/);
  });

  it('rejects bad parameters with a clear 400', async () => {
    const res = await get('/feed.atom?city=atlantis&max_price=lots');
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe('validation_failed');
    expect(Object.keys(body.error.fields).sort()).toEqual(['city', 'max_price']);
  });
});

describe('robots.txt and sitemaps', () => {
  it('robots.txt points to the sitemap and keeps private pages out', async () => {
    const res = await get('/robots.txt');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    for (const line of ['User-agent: *', 'Disallow: /manage/', 'Disallow: /confirm/', 'Disallow: /post', 'Sitemap: http://localhost:3000/sitemap.xml']) {
      expect(res.text.split('\n')).toContain(line);
    }
  });

  it('the sitemap index lists the places sitemap and the ads sitemaps', async () => {
    const res = await get('/sitemap.xml');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/xml/);
    const names = parseXml(res.text);
    expect(names[0]).toBe('sitemapindex');
    expect(locs(res.text)).toEqual(['http://localhost:3000/sitemaps/places.xml', 'http://localhost:3000/sitemaps/ads-0.xml']);
  });

  it('the places sitemap has the home page, cities and city+category pages with live ads', async () => {
    const res = await get('/sitemaps/places.xml');
    expect(res.status).toBe(200);
    parseXml(res.text);
    const urls = locs(res.text);
    expect(urls).toContain('http://localhost:3000/');
    expect(urls).toContain('http://localhost:3000/chicago');
    expect(urls).toContain('http://localhost:3000/toronto');
    expect(urls).toContain('http://localhost:3000/places/canada');
    expect(urls).toContain('http://localhost:3000/chicago/furniture');
    expect(urls).toContain('http://localhost:3000/chicago/for-sale');
    expect(urls).toContain('http://localhost:3000/chicago/cars-trucks');
    expect(urls).toContain('http://localhost:3000/toronto/furniture');
    expect(urls).not.toContain('http://localhost:3000/toronto/cars-trucks');
    expect(urls.length).toBeLessThanOrEqual(50_000);
    expect(new Set(urls).size).toBe(urls.length);
  });

  it('the ads sitemap lists every published ad page and nothing else', async () => {
    const res = await get('/sitemaps/ads-0.xml');
    expect(res.status).toBe(200);
    parseXml(res.text);
    const urls = locs(res.text);
    expect(urls).toHaveLength(4);
    expect(urls).toContain(`http://localhost:3000/chicago/furniture/green-velvet-sofa-${ids.sofa}`);
    expect(urls.some((u) => u.endsWith(`-${unconfirmedId}`))).toBe(false);
    expect(res.text).toMatch(/<lastmod>\d{4}-\d\d-\d\dT/);
    expect((await get('/sitemaps/ads-7.xml')).status).toBe(404);
    expect((await get('/sitemaps/ads-x.xml')).status).toBe(404);
  });

  it('splits ads into chunks by id range, each ad in exactly one chunk', async () => {
    const small = Fastify();
    registerErrorHandling(small);
    registerSeoRoutes(small, t.ctx, { adsPerSitemap: 2 });
    await small.ready();
    try {
      const index = await get('/sitemap.xml', small);
      const chunks = locs(index.text).filter((u) => u.includes('/sitemaps/ads-'));
      expect(chunks.length).toBeGreaterThan(1);
      const all: string[] = [];
      for (const chunk of chunks) {
        const res = await get(chunk.replace('http://localhost:3000', ''), small);
        expect(res.status).toBe(200);
        const urls = locs(res.text);
        expect(urls.length).toBeLessThanOrEqual(2);
        all.push(...urls);
      }
      const found = all.map((u) => Number(/-(\d+)$/.exec(u)![1])).sort((a, b) => a - b);
      expect(found).toEqual(Object.values(ids).sort((a, b) => a - b));
    } finally {
      await small.close();
    }
  });
});
