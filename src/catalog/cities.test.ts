import { describe, expect, it } from 'vitest';
import { loadCities, loadGazetteer } from './cities.ts';

describe('loadCities', () => {
  const cities = loadCities();

  it('has every city of 100,000+ people', () => {
    expect(cities.length).toBeGreaterThan(4000);
    expect(cities.every((c) => c.population >= 100_000)).toBe(true);
  });

  it('gives every city a globally unique, lowercase ASCII slug', () => {
    expect(new Set(cities.map((c) => c.slug)).size).toBe(cities.length);
    for (const c of cities) expect(c.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('keeps region slugs unique within a country', () => {
    const codeBySlug = new Map<string, string>();
    for (const c of cities) {
      const key = `${c.countryCode}/${c.regionSlug}`;
      expect(codeBySlug.get(key) ?? c.regionCode).toBe(c.regionCode);
      codeBySlug.set(key, c.regionCode);
      expect(c.regionSlug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.countrySlug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it('names the region of almost every city from GeoNames', () => {
    const { regionFallbackIds } = loadGazetteer();
    // Only city-states and territories without admin1 data (Singapore, Macau, ...) fall back.
    expect(regionFallbackIds.length).toBeLessThan(cities.length * 0.01);
    for (const c of cities) {
      expect(c.regionName.trim()).not.toBe('');
      expect(c.countryName.trim()).not.toBe('');
    }
  });

  it('resolves well-known cities sensibly', () => {
    const bySlug = new Map(cities.map((c) => [c.slug, c]));
    expect(bySlug.get('chicago')).toMatchObject({ regionName: 'Illinois', countryName: 'United States', currency: 'USD' });
    expect(bySlug.get('portland')).toMatchObject({ regionName: 'Oregon' });
    expect(bySlug.get('london')).toMatchObject({ countryCode: 'GB', currency: 'GBP' });
    expect(bySlug.get('london-ontario')).toMatchObject({ countryCode: 'CA' });
    expect(bySlug.get('ho-chi-minh-city')?.regionName).toMatch(/Ho Chi Minh/);
    expect(bySlug.get('sao-paulo')).toMatchObject({ countryCode: 'BR', currency: 'BRL' });
  });

  it('is sorted by country, region, then population', () => {
    for (let i = 1; i < cities.length; i++) {
      const a = cities[i - 1];
      const b = cities[i];
      const order = a.countryName.localeCompare(b.countryName, 'en') || a.regionName.localeCompare(b.regionName, 'en') || b.population - a.population;
      expect(order).toBeLessThanOrEqual(0);
    }
  });

  it('loads quickly and memoises', () => {
    expect(loadCities()).toBe(cities);
  });
});
