import { describe, expect, it } from 'vitest';
import { getCategory, parseCategoryFields, postableCategories } from '../catalog/categories.ts';
import { loadCities } from '../catalog/cities.ts';
import { generateDemoAds, type DemoAd } from './demo-ads.ts';
import { TEMPLATES } from './templates.ts';

const cities = loadCities();
const NOW = new Date('2026-01-15T12:00:00Z');
const take = (count: number, seed = 1): DemoAd[] => [...generateDemoAds(count, cities, seed, NOW)];

describe('generateDemoAds', () => {
  const ads = take(5_000);

  it('has a template for every postable category', () => {
    for (const category of postableCategories()) expect(TEMPLATES[category.slug], category.slug).toBeTypeOf('function');
  });

  it('is reproducible for a seed and differs between seeds', () => {
    expect(take(200)).toEqual(ads.slice(0, 200));
    expect(take(200, 2)).not.toEqual(ads.slice(0, 200));
    expect(take(0)).toEqual([]);
    expect(take(7)).toHaveLength(7);
  });

  it('produces fields that pass the category validation', () => {
    for (const ad of ads) {
      const result = parseCategoryFields(ad.categorySlug, ad.fields);
      expect(result, `${ad.categorySlug}: ${JSON.stringify(ad.fields)}`).toEqual({ ok: true, values: expect.anything() });
    }
  });

  it('fills every ad plausibly', () => {
    const citySlugs = new Set(cities.map((c) => c.slug));
    for (const ad of ads) {
      expect(citySlugs.has(ad.citySlug)).toBe(true);
      expect(ad.title.length).toBeGreaterThanOrEqual(3);
      // City names like "St. Catharines" contain a full stop that does not end a sentence.
      const sentences = ad.body.replace(/\b(St|Ste|Mt|Ft)\./g, '$1').split(/(?<=[.!?])\s+/);
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      expect(sentences.length).toBeLessThanOrEqual(6);
      expect(ad.email).toMatch(/@example\.(com|org|net)$/);
      expect(ad.photoSeeds.length).toBeLessThanOrEqual(3);
      const age = NOW.getTime() - ad.postedAt.getTime();
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(25 * 86_400_000);
      if (getCategory(ad.categorySlug)!.priceLabel === null) expect(ad.price).toBeNull();
      if (ad.price !== null) expect(Number.isInteger(ad.price) && ad.price > 0).toBe(true);
    }
  });

  it('covers many categories and favours big cities', () => {
    expect(new Set(ads.map((a) => a.categorySlug)).size).toBeGreaterThan(50);
    const perCity = new Map<string, number>();
    for (const ad of ads) perCity.set(ad.citySlug, (perCity.get(ad.citySlug) ?? 0) + 1);
    const biggest = [...cities].sort((a, b) => b.population - a.population).slice(0, 20);
    const smallest = [...cities].sort((a, b) => a.population - b.population).slice(0, 20);
    const sum = (list: typeof cities) => list.reduce((total, c) => total + (perCity.get(c.slug) ?? 0), 0);
    expect(sum(biggest)).toBeGreaterThan(sum(smallest) * 20);
  });

  it('includes a property manager listing several similar apartments', () => {
    const byEmail = new Map<string, DemoAd[]>();
    for (const ad of ads) if (ad.email.startsWith('lettings.')) byEmail.set(ad.email + ad.citySlug, [...(byEmail.get(ad.email + ad.citySlug) ?? []), ad]);
    expect([...byEmail.values()].some((batch) => batch.length >= 2 && batch.every((ad) => ad.categorySlug === 'apartments-for-rent'))).toBe(true);
  });

  it('scales prices to the local currency', () => {
    const carPrice = (currency: string) => ads.filter((a) => a.categorySlug === 'cars-trucks' && cities.find((c) => c.slug === a.citySlug)!.currency === currency).map((a) => a.price!);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const usd = carPrice('USD');
    const inr = carPrice('INR');
    expect(usd.length).toBeGreaterThan(5);
    expect(inr.length).toBeGreaterThan(5);
    expect(median(inr)).toBeGreaterThan(median(usd) * 5);
  });

  it('generates a million ads quickly', () => {
    const started = performance.now();
    let count = 0;
    for (const _ad of generateDemoAds(200_000, cities, 9, NOW)) count++;
    expect(count).toBe(200_000);
    // 200k in well under 12 s keeps a million well under a minute.
    expect(performance.now() - started).toBeLessThan(12_000);
  });
});
