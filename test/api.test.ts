import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../src/http/errors.ts';
import { registerApiRoutes } from '../src/http/routes/api.ts';
import { AdListItemSchema, AdSchema, CategoryListSchema, CityListSchema, ErrorSchema } from '../src/http/api/schemas.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
const published: Record<string, number> = {};
let unconfirmedId: number;
let heldId: number;

async function postAd(fields: Record<string, unknown>, confirm = true): Promise<number> {
  const email = (fields.email as string | undefined) ?? `poster${Object.keys(published).length}@example.com`;
  const { id } = await postAdDirect(t, { body: 'A perfectly ordinary description of the thing.', city: 'chicago', contact_mode: 'relay', ...fields, email }, { confirm });
  t.clock.advanceHours(1);
  return id;
}

async function get(url: string) {
  const res = await t.app.inject({ method: 'GET', url });
  return { status: res.statusCode, headers: res.headers, body: res.json() as Record<string, unknown>, text: res.body };
}

const items = (body: Record<string, unknown>) => body.items as Record<string, unknown>[];
const titles = (body: Record<string, unknown>) => items(body).map((i) => i.title).sort();

beforeAll(async () => {
  t = await createTestApp();
  t.clock.advanceHours(-48);
  published.sofa = await postAd({ title: 'Green velvet sofa', price: '250', category: 'furniture', neighbourhood: 'Lakeview', f_condition: 'good' });
  published.table = await postAd({ title: 'Oak dining table', price: '100', category: 'furniture' });
  published.lamp = await postAd({ title: 'Lamp <&> "quotes"', price: '900', category: 'furniture' });
  published.toyota = await postAd({ title: 'Toyota Corolla 2015', price: '9000', category: 'cars-trucks', f_make: 'toyota', f_year: '2015', f_mileage: '80000' });
  published.honda = await postAd({ title: 'Honda Civic 2010', price: '4000', category: 'cars-trucks', f_make: 'honda', f_year: '2010' });
  published.phone = await postAd({ title: 'Guitar lessons by phone', price: '30', category: 'tutoring', contact_mode: 'phone', phone: '+1 312 555 0100' });
  published.toronto = await postAd({ title: 'Toronto bookshelf', price: '40', category: 'furniture', city: 'toronto' });
  unconfirmedId = await postAd({ title: 'Unconfirmed velvet chair', price: '50', category: 'furniture' }, false);
  heldId = await postAd({ title: 'Velvet armchair', body: 'Payment with gift cards only, thanks.', price: '60', category: 'furniture' });
});

afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/ads', () => {
  it('lists published ads only, newest first, with the documented item shape', async () => {
    const res = await get('/api/v1/ads');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.count).toBe(7);
    expect(res.body.count_capped).toBe(false);
    expect(res.body.next).toBeNull();
    const list = items(res.body);
    expect(list.map((i) => i.id)).toEqual(Object.values(published).reverse());
    expect(list.map((i) => i.id)).not.toContain(unconfirmedId);
    expect(list.map((i) => i.id)).not.toContain(heldId);
    for (const item of list) AdListItemSchema.parse(item);
    const sofa = list.find((i) => i.id === published.sofa)!;
    expect(sofa).toMatchObject({ title: 'Green velvet sofa', price: 250, currency: 'USD', city: 'chicago', category: 'furniture', neighbourhood: 'Lakeview', thumbnail: null });
    expect(sofa.url).toBe(`/chicago/furniture/green-velvet-sofa-${published.sofa}`);
    expect(new Date(sofa.posted_at as string).toISOString()).toBe(sofa.posted_at);
  });

  it('never exposes private fields', async () => {
    const res = await get('/api/v1/ads?limit=100');
    expect(res.text).not.toMatch(/@example\.com|127\.0\.0\.1|nonce|screening|email/i);
    for (const item of items(res.body)) expect(Object.keys(item).sort()).toEqual(Object.keys(AdListItemSchema.shape).sort());
  });

  it('narrows by city, region, country and category (a parent includes its children)', async () => {
    expect((await get('/api/v1/ads?city=toronto')).body.count).toBe(1);
    expect((await get('/api/v1/ads?country=canada')).body.count).toBe(1);
    expect((await get('/api/v1/ads?region=united-states/illinois')).body.count).toBe(6);
    expect(titles((await get('/api/v1/ads?city=chicago&category=furniture')).body)).toEqual(['Green velvet sofa', 'Lamp <&> "quotes"', 'Oak dining table']);
    expect((await get('/api/v1/ads?category=for-sale')).body.count).toBe(4);
    expect((await get('/api/v1/ads?category=vehicles')).body.count).toBe(2);
  });

  it('narrows by price, words and category fields', async () => {
    expect(titles((await get('/api/v1/ads?category=furniture&min_price=100&max_price=300')).body)).toEqual(['Green velvet sofa', 'Oak dining table']);
    expect(titles((await get('/api/v1/ads?q=velvet')).body)).toEqual(['Green velvet sofa']);
    expect(titles((await get('/api/v1/ads?category=cars-trucks&f_make=toyota')).body)).toEqual(['Toyota Corolla 2015']);
    expect(titles((await get('/api/v1/ads?category=cars-trucks&f_year_min=2012')).body)).toEqual(['Toyota Corolla 2015']);
    expect(titles((await get('/api/v1/ads?category=furniture&f_condition=good')).body)).toEqual(['Green velvet sofa']);
    expect((await get('/api/v1/ads?has_photos=true')).body.count).toBe(0);
    expect((await get('/api/v1/ads?within_days=30')).body.count).toBe(7);
  });

  it('sorts by price', async () => {
    const asc = items((await get('/api/v1/ads?category=furniture&city=chicago&sort=price')).body).map((i) => i.price);
    expect(asc).toEqual([100, 250, 900]);
    const desc = items((await get('/api/v1/ads?category=furniture&city=chicago&sort=price_desc')).body).map((i) => i.price);
    expect(desc).toEqual([900, 250, 100]);
  });

  it.each(['newest', 'price_asc', 'price_desc'])('pages through every ad exactly once (sort=%s)', async (sort) => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/api/v1/ads?limit=2&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...items(res.body).map((i) => i.id as number));
      cursor = res.body.next as string | null;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Object.values(published).sort((a, b) => a - b));
  });

  it('rejects bad parameters with 400 validation_failed and per-field messages', async () => {
    const res = await get('/api/v1/ads?city=atlantis&min_price=abc&limit=1000&sort=random');
    expect(res.status).toBe(400);
    ErrorSchema.parse(res.body);
    const error = res.body.error as { code: string; message: string; fields: Record<string, string> };
    expect(error.code).toBe('validation_failed');
    expect(Object.keys(error.fields).sort()).toEqual(['city', 'limit', 'min_price', 'sort']);
    expect((await get('/api/v1/ads?category=cars-trucks&f_year_min=soon')).status).toBe(400);
  });

  it('rejects a bad cursor with 400, including a well-formed one carrying bad values', async () => {
    const garbage = await get('/api/v1/ads?cursor=not-a-cursor');
    expect(garbage.status).toBe(400);
    expect((garbage.body.error as { fields: Record<string, string> }).fields).toHaveProperty('cursor');
    const forged = Buffer.from(JSON.stringify({ k: ['yesterday-ish', 5] })).toString('base64url');
    const res = await get(`/api/v1/ads?cursor=${forged}`);
    expect(res.status).toBe(400);
    expect((res.body.error as { code: string }).code).toBe('validation_failed');
    const negative = Buffer.from(JSON.stringify({ o: -5 })).toString('base64url');
    expect((await get(`/api/v1/ads?q=velvet&sort=relevance&cursor=${negative}`)).status).toBe(400);
    const wrongType = Buffer.from(JSON.stringify({ k: ['abc', 'def'] })).toString('base64url');
    expect((await get(`/api/v1/ads?sort=price_asc&cursor=${wrongType}`)).status).toBe(400);
  });
});

describe('GET /api/v1/ads/:id', () => {
  it('returns a published ad with its fields, photos and contact mode', async () => {
    const res = await get(`/api/v1/ads/${published.toyota}`);
    expect(res.status).toBe(200);
    const ad = AdSchema.parse(res.body);
    expect(ad).toMatchObject({
      id: published.toyota,
      title: 'Toyota Corolla 2015',
      price: 9000,
      currency: 'USD',
      city: 'chicago',
      category: 'cars-trucks',
      fields: { make: 'toyota', year: 2015, mileage: 80000 },
      photos: [],
      contact: { mode: 'relay' },
    });
    expect(ad.contact).not.toHaveProperty('phone');
    expect(Date.parse(ad.expires_at)).toBeGreaterThan(Date.parse(ad.posted_at));
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(AdSchema.shape).sort());
  });

  it('gives the contact mode but never the phone number (shown on request on the ad page only), the e-mail, IP or nonce', async () => {
    const res = await get(`/api/v1/ads/${published.phone}`);
    expect(res.body.contact).toEqual({ mode: 'phone' });
    expect(res.text).not.toMatch(/5550100/);
    for (const id of Object.values(published)) {
      const text = (await get(`/api/v1/ads/${id}`)).text;
      expect(text).not.toMatch(/@example\.com|127\.0\.0\.1|nonce|screening|fingerprint|"email"/i);
    }
  });

  it('answers unpublished, missing and malformed ids with the same 404', async () => {
    const missing = await get('/api/v1/ads/999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    for (const url of [`/api/v1/ads/${unconfirmedId}`, `/api/v1/ads/${heldId}`, '/api/v1/ads/abc', '/api/v1/ads/0', '/api/v1/ads/1e3', '/api/v1/ads/99999999999999999999']) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(res.body, url).toEqual(missing.body);
    }
  });
});

describe('GET /api/v1/cities and /api/v1/categories', () => {
  it('lists cities largest first, filtered by country and name, with pages', async () => {
    const res = await get('/api/v1/cities?country=united-states&q=chic');
    expect(res.status).toBe(200);
    const list = CityListSchema.parse(res.body);
    expect(list.items[0]).toMatchObject({ slug: 'chicago', name: 'Chicago', region: 'united-states/illinois', country: 'united-states', country_code: 'US', currency: 'USD' });
    const accents = await get('/api/v1/cities?q=sao%20paulo');
    expect(items(accents.body).map((c) => c.slug)).toContain('sao-paulo');

    const first = await get('/api/v1/cities?country=CA&limit=5');
    expect(items(first.body)).toHaveLength(5);
    const pops = items(first.body).map((c) => c.population as number);
    expect([...pops].sort((a, b) => b - a)).toEqual(pops);
    const second = await get(`/api/v1/cities?country=CA&limit=5&cursor=${first.body.next}`);
    const overlap = items(second.body).filter((c) => items(first.body).some((d) => d.slug === c.slug));
    expect(overlap).toEqual([]);
  });

  it('rejects an unknown country and a bad limit', async () => {
    const res = await get('/api/v1/cities?country=narnia&limit=0');
    expect(res.status).toBe(400);
    expect(Object.keys((res.body.error as { fields: object }).fields).sort()).toEqual(['country', 'limit']);
  });

  it('returns the category tree with field definitions for forms and filters', async () => {
    const res = await get('/api/v1/categories');
    const tree = CategoryListSchema.parse(res.body);
    const vehicles = tree.items.find((c) => c.slug === 'vehicles')!;
    expect(vehicles.postable).toBe(false);
    const cars = vehicles.children.find((c) => c.slug === 'cars-trucks')!;
    expect(cars).toMatchObject({ parent: 'vehicles', postable: true, schema_type: 'Vehicle', price_label: 'Price' });
    const make = cars.fields.find((f) => f.key === 'make')!;
    expect(make).toMatchObject({ type: 'select', required: true, filter: 'exact' });
    expect(make.options).toContainEqual({ value: 'skoda', label: 'Škoda' });
    expect(cars.fields.find((f) => f.key === 'year')).toMatchObject({ type: 'integer', filter: 'range' });
  });
});

describe('errors and CORS', () => {
  it('answers unknown /api paths with a JSON 404', async () => {
    const res = await get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect((res.body.error as { code: string }).code).toBe('not_found');
  });

  it('limits requests per client with 429 and Retry-After', async () => {
    const keys: string[] = [];
    const limiter = { hit: async (key: string) => (keys.push(key), { allowed: false, retryAfterSeconds: 42 }), close: async () => {} };
    const small = Fastify();
    registerErrorHandling(small);
    registerApiRoutes(small, { ...t.ctx, limiter });
    try {
      const res = await small.inject({ method: 'GET', url: '/api/v1/ads' });
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBe('42');
      expect(res.json()).toMatchObject({ error: { code: 'rate_limited' } });
      expect(keys).toEqual(['api:ip:127.0.0.1']);
      expect((await small.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(200);
      // The router decodes "%61" to "a": the limit follows the route, not the raw URL (issue 10, item 17).
      for (const url of ['/%61pi/v1/ads', '/api/v1/%61ds', '/%61pi/v1/categories']) {
        expect((await small.inject({ method: 'GET', url })).statusCode, url).toBe(429);
      }
    } finally {
      await small.close();
    }
  });

  it('allows cross-origin reads', async () => {
    expect((await get('/api/v1/categories')).headers['access-control-allow-origin']).toBe('*');
  });
});

// A small JSON Schema checker for the subset z.toJSONSchema emits for our schemas.
type Schema = Record<string, unknown>;
function check(value: unknown, schema: Schema, components: Record<string, Schema>, path = '$'): string[] {
  if (typeof schema.$ref === 'string') return check(value, components[schema.$ref.replace('#/components/schemas/', '')]!, components, path);
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as Schema[]).some((s) => check(value, s, components, path).length === 0) ? [] : [`${path}: matches no alternative`];
  }
  const errors: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (types.length > 0 && !types.some((tp) => tp === actual || (tp === 'number' && actual === 'integer'))) return [`${path}: expected ${types.join('|')}, got ${actual}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: ${String(value)} not in enum`);
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) errors.push(`${path}.${key}: required`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...check(v, props[key], components, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...check(v, schema.additionalProperties as Schema, components, `${path}.${key}`));
    }
  }
  if (actual === 'array' && schema.items) (value as unknown[]).forEach((v, i) => errors.push(...check(v, schema.items as Schema, components, `${path}[${i}]`)));
  return errors;
}

describe('GET /api/openapi.json', () => {
  it('documents every endpoint, its parameters and the error schema', async () => {
    const res = await get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; info: { title: string }; paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, { content: { 'application/json': { schema: { $ref: string } } } }> }>>; components: { schemas: Record<string, Schema> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/ads',
      '/api/v1/ads/{id}',
      '/api/v1/ads/{id}/photos',
      '/api/v1/ads/{id}/photos/{photoId}',
      '/api/v1/categories',
      '/api/v1/cities',
      '/api/v1/staff/items/{id}',
      '/api/v1/staff/items/{id}/claim',
      '/api/v1/staff/items/{id}/decide',
      '/api/v1/staff/queue',
      '/api/v1/staff/statements',
    ]);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        // The token-authenticated writes (post, patch, delete) are checked in test/accounts.test.ts and test/api-photos.test.ts, the staff API in test/staff-api.test.ts.
        if (method !== 'get') {
          expect(['post', 'patch', 'delete']).toContain(method);
          continue;
        }
        expect(op.responses['200'], path).toBeDefined();
        const errorCodes = Object.keys(op.responses).filter((s) => Number(s) >= 400);
        expect(errorCodes.length, path).toBeGreaterThan(0);
        for (const status of errorCodes) expect(op.responses[status]!.content['application/json'].schema.$ref, `${path} ${status}`).toBe('#/components/schemas/Error');
        for (const response of Object.values(op.responses)) {
          const name = response.content['application/json'].schema.$ref.replace('#/components/schemas/', '');
          expect(doc.components.schemas[name], name).toBeDefined();
        }
      }
    }
    const adParams = doc.paths['/api/v1/ads']!.get!.parameters!.map((p) => p.name);
    for (const name of ['q', 'city', 'region', 'country', 'category', 'min_price', 'max_price', 'has_photos', 'within_days', 'sort', 'limit', 'cursor']) expect(adParams).toContain(name);
    expect(doc.paths['/api/v1/ads/{id}']!.get!.responses['404']).toBeDefined();
  });

  it('describes what the endpoints really send', async () => {
    const doc = (await get('/api/openapi.json')).body as { components: { schemas: Record<string, Schema> } };
    const components = doc.components.schemas;
    const cases: [string, string][] = [
      ['/api/v1/ads?limit=100', 'AdList'],
      [`/api/v1/ads/${published.sofa}`, 'Ad'],
      [`/api/v1/ads/${published.phone}`, 'Ad'],
      ['/api/v1/cities?limit=3', 'CityList'],
      ['/api/v1/categories', 'CategoryList'],
      ['/api/v1/ads/abc', 'Error'],
      ['/api/v1/ads?city=atlantis', 'Error'],
    ];
    for (const [url, schemaName] of cases) {
      const { body } = await get(url);
      expect(check(body, components[schemaName]!, components), url).toEqual([]);
    }
    // The checker itself catches a missing key and a wrong type.
    expect(check({ id: 1 }, components.AdListItem!, components).length).toBeGreaterThan(0);
    expect(check({ error: { code: 1, message: 'x' } }, components.Error!, components)).toEqual(['$.error.code: expected string, got integer']);
  });
});
