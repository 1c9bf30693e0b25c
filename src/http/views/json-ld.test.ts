import { describe, expect, it } from 'vitest';
import type { AdRow, PhotoRow } from '../../listings/ad.repository.ts';
import type { Category, City, Country, Region } from '../../places/places.ts';
import { adJsonLd, type AdJsonLdInput } from './json-ld.ts';

const city: City = { id: 1, slug: 'chicago', name: 'Chicago', regionId: 7, countryCode: 'US', population: 2_700_000, lat: 41.8, lon: -87.6, currency: 'USD' };
const country: Country = { code: 'US', name: 'United States', slug: 'united-states', currency: 'USD' };
const region: Region = { id: 7, countryCode: 'US', name: 'Illinois', slug: 'illinois' };
const posted = new Date('2025-03-01T12:00:00Z');
const expires = new Date('2025-03-31T12:00:00Z');

function ad(over: Partial<AdRow> = {}): AdRow {
  return {
    id: 42,
    state: 'published',
    stateReason: null,
    userId: null,
    email: 'secret@example.com',
    cityId: 1,
    categoryId: 1,
    neighbourhood: 'Lakeview',
    title: 'A thing for sale',
    body: 'A long enough description.',
    price: 250,
    currency: 'USD',
    fields: {},
    contactMode: 'phone',
    phone: '+13125550100',
    photoCount: 1,
    thumbKey: 'abc',
    screening: { score: 1 },
    linkNonce: 'nonce',
    itemFingerprint: 'fp',
    posterIp: '10.0.0.1',
    createdAt: posted,
    updatedAt: posted,
    confirmedAt: posted,
    publishedAt: posted,
    bumpedAt: posted,
    renewedAt: null,
    expiresAt: expires,
    reminderSentAt: null,
    deletedAt: null,
    ...over,
  };
}

const photo: PhotoRow = { id: 1, adId: 42, position: 0, storageKey: 'ab/cdef', width: 800, height: 600, sha256: 'x', pdq: null, pdqQuality: null };
const category = (slug: string, name = slug): Category => ({ id: 1, slug, name, parentId: null, position: 0, expiryDays: 30 });

function ld(slug: string, over: Partial<AdRow> = {}, extra: Partial<AdJsonLdInput> = {}): Record<string, unknown> {
  return adJsonLd({
    ad: ad(over),
    photos: [photo],
    city,
    country,
    region,
    category: category(slug),
    publicUrl: 'https://corkboard.example',
    url: '/chicago/x/a-thing-for-sale-42',
    ...extra,
  }) as Record<string, unknown>;
}

describe('adJsonLd', () => {
  it('never includes private data', () => {
    for (const slug of ['furniture', 'cars-trucks', 'software-tech', 'apartments-for-rent', 'cleaning', 'events', 'groups', 'pet-rehoming']) {
      const text = JSON.stringify(ld(slug));
      expect(text).not.toContain('secret@example.com');
      expect(text).not.toContain('+13125550100');
      expect(text).not.toContain('10.0.0.1');
      expect(text).not.toContain('nonce');
      expect(text).toContain('"@context":"https://schema.org"');
    }
  });

  it('describes goods for sale as a Product with an Offer', () => {
    const out = ld('furniture', { fields: { condition: 'like-new' } });
    expect(out['@type']).toBe('Product');
    expect(out.name).toBe('A thing for sale');
    expect(out.url).toBe('https://corkboard.example/chicago/x/a-thing-for-sale-42');
    expect(out.image).toEqual(['https://corkboard.example/photos/ab/cdef-large.webp']);
    expect(out.itemCondition).toBe('https://schema.org/UsedCondition');
    expect(out.offers).toMatchObject({
      '@type': 'Offer',
      price: 250,
      priceCurrency: 'USD',
      availability: 'https://schema.org/InStock',
      url: 'https://corkboard.example/chicago/x/a-thing-for-sale-42',
      areaServed: { '@type': 'City', name: 'Chicago' },
    });
  });

  it('leaves out the Offer when there is no price', () => {
    const out = ld('furniture', { price: null });
    expect(out.offers).toBeUndefined();
    expect(out['@type']).toBe('Product');
  });

  it('describes cars with brand, model, year and mileage', () => {
    const out = ld('cars-trucks', { fields: { make: 'skoda', model: 'Octavia', year: 2017, mileage: 120000, fuel: 'diesel', transmission: 'manual' } });
    expect(out['@type']).toEqual(['Product', 'Car']);
    expect(out.brand).toEqual({ '@type': 'Brand', name: 'Škoda' });
    expect(out.model).toBe('Octavia');
    expect(out.vehicleModelDate).toBe('2017');
    expect(out.mileageFromOdometer).toMatchObject({ '@type': 'QuantitativeValue', value: 120000, unitCode: 'KMT' });
    expect(out.fuelType).toBe('Diesel');
    expect(out.vehicleTransmission).toBe('Manual');
    expect(out.offers).toMatchObject({ price: 250 });
  });

  it('describes boats as a Product/Vehicle and skips missing fields', () => {
    const out = ld('boats', { fields: { boatType: 'kayak' } });
    expect(out['@type']).toEqual(['Product', 'Vehicle']);
    expect(out).not.toHaveProperty('brand');
    expect(out).not.toHaveProperty('mileageFromOdometer');
  });

  it('describes jobs as a JobPosting with location, salary and employment type', () => {
    const out = ld('software-tech', { title: 'Backend developer', price: 45, fields: { employmentType: 'full-time', payPeriod: 'hour', remote: false } });
    expect(out['@type']).toBe('JobPosting');
    expect(out.title).toBe('Backend developer');
    expect(out.datePosted).toBe(posted.toISOString());
    expect(out.validThrough).toBe(expires.toISOString());
    expect(out.employmentType).toBe('FULL_TIME');
    expect(out.hiringOrganization).toEqual({ '@type': 'Organization', name: 'Private employer' });
    expect(out.jobLocation).toMatchObject({ '@type': 'Place', address: { '@type': 'PostalAddress', addressLocality: 'Chicago', addressRegion: 'Illinois', addressCountry: 'US' } });
    expect(out.baseSalary).toEqual({ '@type': 'MonetaryAmount', currency: 'USD', value: { '@type': 'QuantitativeValue', value: 45, unitText: 'HOUR' } });
    expect(out).not.toHaveProperty('jobLocationType');
  });

  it('marks remote jobs and gigs without an employment type', () => {
    const out = ld('computer-gigs', { price: null, fields: { payPeriod: 'job', remote: true } });
    expect(out['@type']).toBe('JobPosting');
    expect(out.jobLocationType).toBe('TELECOMMUTE');
    expect(out).not.toHaveProperty('employmentType');
    expect(out).not.toHaveProperty('baseSalary');
  });

  it('describes rentals as an Apartment with rooms, size, pets and a monthly price', () => {
    const out = ld('apartments-for-rent', { price: 1800, fields: { bedrooms: 2, bathrooms: 1, size: 75, petsAllowed: true, furnished: false } });
    expect(out['@type']).toBe('Apartment');
    expect(out.numberOfRooms).toBe(2);
    expect(out.numberOfBathroomsTotal).toBe(1);
    expect(out.floorSize).toMatchObject({ value: 75, unitCode: 'MTK' });
    expect(out.petsAllowed).toBe(true);
    expect(out.address).toMatchObject({ addressLocality: 'Chicago', addressRegion: 'Illinois', addressCountry: 'US' });
    expect(out.offers).toMatchObject({ '@type': 'Offer', price: 1800, priceCurrency: 'USD', priceSpecification: { unitCode: 'MON' } });
  });

  it('uses House for houses for sale, without a monthly price', () => {
    const out = ld('houses-for-sale', { price: 350000, fields: { bedrooms: 3 } });
    expect(out['@type']).toBe('House');
    expect(out.offers).toMatchObject({ price: 350000 });
    expect(out.offers).not.toHaveProperty('priceSpecification');
  });

  it('describes services with the area served', () => {
    const out = ld('cleaning', { fields: { insured: true } });
    expect(out['@type']).toBe('Service');
    expect(out.serviceType).toBe('cleaning');
    expect(out.areaServed).toMatchObject({ '@type': 'City', name: 'Chicago', containedInPlace: { name: 'United States' } });
    expect(out.offers).toMatchObject({ price: 250 });
  });

  it('describes local events as an Event with a location', () => {
    const out = ld('events', { price: 10 });
    expect(out['@type']).toBe('Event');
    expect(out.location).toMatchObject({ '@type': 'Place', name: 'Lakeview', address: { addressLocality: 'Chicago' } });
    expect(out.offers).toMatchObject({ price: 10 });
  });

  it('falls back to a Thing for community posts and pets', () => {
    for (const slug of ['groups', 'pet-rehoming', 'no-such-category']) {
      const out = ld(slug);
      expect(out['@type']).toBe('Thing');
      expect(out).not.toHaveProperty('offers');
      expect(out.name).toBe('A thing for sale');
    }
  });

  it('accepts an absolute url and works without a country or region', () => {
    const out = ld('software-tech', { fields: { employmentType: 'contract' } }, { url: 'https://corkboard.example/a', country: undefined, region: undefined });
    expect(out.url).toBe('https://corkboard.example/a');
    expect(out.employmentType).toBe('CONTRACTOR');
    expect((out.jobLocation as { address: Record<string, unknown> }).address.addressCountry).toBe('US');
  });
});
