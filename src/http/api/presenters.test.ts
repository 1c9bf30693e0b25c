import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../catalog/categories.ts';
import type { AdRow, PhotoRow } from '../../listings/ad.repository.ts';
import { Places } from '../../places/places.ts';
import { openApiDocument } from './openapi.ts';
import { presentAd, presentAdListItem, presentCategory, presentCity, presentContact } from './presenters.ts';
import { AdSchema, CategorySchema } from './schemas.ts';

const places = new Places(
  [{ code: 'US', name: 'United States', slug: 'united-states', currency: 'USD' }],
  [{ id: 7, countryCode: 'US', name: 'Illinois', slug: 'illinois' }],
  [{ id: 1, slug: 'chicago', name: 'Chicago', regionId: 7, countryCode: 'US', population: 2_700_000, lat: 41.8, lon: -87.6, currency: 'USD' }],
  [
    { id: 10, slug: 'vehicles', name: 'Vehicles', parentId: null, position: 0, expiryDays: 45 },
    { id: 11, slug: 'cars-trucks', name: 'Cars & trucks', parentId: 10, position: 0, expiryDays: 45 },
  ],
);

const when = new Date('2025-03-01T12:00:00Z');
const row: AdRow = {
  id: 42,
  state: 'published',
  stateReason: 'private reason',
  userId: 9,
  email: 'secret@example.com',
  cityId: 1,
  categoryId: 11,
  neighbourhood: null,
  title: 'Toyota Corolla',
  body: 'Runs well.',
  price: 9000,
  currency: 'USD',
  fields: { make: 'toyota', year: 2015 },
  contactMode: 'relay',
  phone: '+13125550100',
  photoCount: 1,
  thumbKey: 'ab/cd',
  screening: { decision: 'publish', score: 0.1 },
  linkNonce: 'nonce-value',
  itemFingerprint: 'fingerprint-value',
  posterIp: '10.1.2.3',
  createdAt: when,
  updatedAt: when,
  confirmedAt: when,
  publishedAt: when,
  bumpedAt: when,
  renewedAt: null,
  expiresAt: new Date('2025-04-15T12:00:00Z'),
  reminderSentAt: null,
  deletedAt: null,
};
const photo: PhotoRow = { id: 1, adId: 42, position: 0, storageKey: 'ab/cd', width: 1200, height: 900, sha256: 'sha', pdq: 'pdq', pdqQuality: 90 };

describe('presenters', () => {
  it('present an ad with exactly the documented keys and no private data', () => {
    const out = presentAd(row, [photo], places);
    expect(Object.keys(out).sort()).toEqual(Object.keys(AdSchema.shape).sort());
    AdSchema.parse(out);
    expect(out).toMatchObject({ url: '/chicago/cars-trucks/toyota-corolla-42', posted_at: '2025-03-01T12:00:00.000Z', city: 'chicago', category: 'cars-trucks' });
    expect(out.photos).toEqual([{ medium: '/photos/ab/cd-medium.webp', large: '/photos/ab/cd-large.webp', width: 1200, height: 900 }]);
    expect(JSON.stringify(out)).not.toMatch(/secret@example|nonce-value|fingerprint-value|10\.1\.2\.3|private reason|sha|pdq|\+1312/);
  });

  it('give the contact mode but never the phone number (revealed on request on the ad page only)', () => {
    const relay: Pick<AdRow, 'contactMode' | 'phone'> = { contactMode: 'relay', phone: '+13125550100' };
    const phone: Pick<AdRow, 'contactMode' | 'phone'> = { contactMode: 'phone', phone: '+13125550100' };
    expect(presentContact(relay)).toEqual({ mode: 'relay' });
    expect(presentContact(phone)).toEqual({ mode: 'phone' });
    expect(presentAd({ ...row, ...phone }, [], places).contact).toEqual({ mode: 'phone' });
  });

  it('present list items with a thumbnail path', () => {
    const item = presentAdListItem({ id: 42, title: 'Toyota Corolla', price: null, currency: null, cityId: 1, categoryId: 11, neighbourhood: 'Loop', bumpedAt: when, thumbKey: 'ab/cd', photoCount: 1 }, places);
    expect(item).toEqual({
      id: 42,
      title: 'Toyota Corolla',
      price: null,
      currency: null,
      city: 'chicago',
      category: 'cars-trucks',
      neighbourhood: 'Loop',
      url: '/chicago/cars-trucks/toyota-corolla-42',
      posted_at: '2025-03-01T12:00:00.000Z',
      thumbnail: '/photos/ab/cd-thumb.webp',
      photo_count: 1,
    });
  });

  it('present a city with a region usable as the region parameter', () => {
    expect(presentCity(places.cities[0]!, places)).toEqual({
      slug: 'chicago',
      name: 'Chicago',
      region: 'united-states/illinois',
      region_name: 'Illinois',
      country: 'united-states',
      country_code: 'US',
      population: 2_700_000,
      currency: 'USD',
    });
  });

  it('present every catalog category as a valid tree node', () => {
    for (const top of CATEGORIES.filter((c) => c.parent === null)) CategorySchema.parse(presentCategory(top, CATEGORIES));
    const housing = presentCategory(CATEGORIES.find((c) => c.slug === 'housing')!, CATEGORIES);
    const office = housing.children.find((c) => c.slug === 'office-commercial')!;
    expect(office.fields.map((f) => f.key)).not.toContain('bedrooms');
    expect(housing.children.every((c) => c.postable && c.children.length === 0)).toBe(true);
  });
});

describe('openApiDocument', () => {
  it('is OpenAPI 3.1 with the given server and resolvable references', () => {
    const doc = openApiDocument('https://corkboard.example') as { openapi: string; servers: { url: string }[]; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://corkboard.example' }]);
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas, m[1]).toHaveProperty(m[1]!);
    expect(text).not.toContain('"$schema"');
  });
});
