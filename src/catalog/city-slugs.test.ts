import { describe, expect, it } from 'vitest';
import { assignCitySlugs, assignRegionSlugs } from './city-slugs.ts';

const city = (geonameId: number, name: string, regionName: string, countryCode: string, population: number) => ({ geonameId, name, regionName, countryCode, population });

describe('assignCitySlugs', () => {
  it('gives the plain name to the most populous city and qualifies the rest', () => {
    const slugs = assignCitySlugs([
      city(1, 'Portland', 'Maine', 'US', 68_000),
      city(2, 'Portland', 'Oregon', 'US', 650_000),
      city(3, 'Portland', 'Maine', 'AU', 10_000),
    ]);
    expect(slugs.get(2)).toBe('portland');
    expect(slugs.get(1)).toBe('portland-maine');
    expect(slugs.get(3)).toBe('portland-maine-au');
  });

  it('does not repeat a region named like the city', () => {
    const slugs = assignCitySlugs([city(1, 'San José', 'California', 'US', 1_000_000), city(2, 'San José', 'San José', 'CR', 300_000)]);
    expect(slugs.get(2)).toBe('san-jose-cr');
  });
});

describe('assignRegionSlugs', () => {
  it('keeps region slugs unique within a country', () => {
    const slugs = assignRegionSlugs([
      { code: '01', name: 'Georgia' },
      { code: '02', name: 'Georgia' },
    ]);
    expect(new Set(slugs.values()).size).toBe(2);
    expect(slugs.get('01')).toBe('georgia');
    expect(slugs.get('02')).toBe('georgia-02');
  });
});
