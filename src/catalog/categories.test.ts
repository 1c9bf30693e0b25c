import { describe, expect, it } from 'vitest';
import { CATEGORIES, childrenOf, getCategory, postableCategories, topLevel } from './categories.ts';

describe('category tree', () => {
  it('has unique slugs and parents that exist', () => {
    expect(new Set(CATEGORIES.map((c) => c.slug)).size).toBe(CATEGORIES.length);
    for (const c of CATEGORIES) {
      if (c.parent) expect(getCategory(c.parent)?.parent).toBeNull();
      expect(c.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.expiryDays).toBeGreaterThan(0);
      expect(new Set(c.fields.map((f) => f.key)).size).toBe(c.fields.length);
    }
  });

  it('has the top-level sections of a classifieds site', () => {
    expect(topLevel().map((c) => c.slug)).toEqual(['for-sale', 'vehicles', 'housing', 'jobs', 'services', 'community', 'pets', 'gigs']);
    expect(childrenOf('vehicles').map((c) => c.slug)).toContain('cars-trucks');
    expect(postableCategories().every((c) => c.parent !== null)).toBe(true);
  });

  it('lets children inherit fields, labels and expiry', () => {
    const furniture = getCategory('furniture')!;
    expect(furniture.fields.map((f) => f.key)).toEqual(['condition']);
    expect(furniture.priceLabel).toBe('Price');
    expect(furniture.schemaType).toBe('Product');
    expect(getCategory('free-stuff')!.priceLabel).toBeNull();
    expect(getCategory('apartments-for-rent')!.fields.map((f) => f.key)).toEqual(['bedrooms', 'bathrooms', 'size', 'petsAllowed', 'furnished']);
    expect(getCategory('apartments-for-rent')!.priceLabel).toBe('Rent per month');
    expect(getCategory('office-commercial')!.fields.map((f) => f.key)).not.toContain('bedrooms');
    expect(getCategory('software-tech')!.fields.map((f) => f.key)).toEqual(['payPeriod', 'employmentType', 'remote']);
    expect(getCategory('cars-trucks')!.expiryDays).toBe(45);
    expect(getCategory('sublets')!.expiryDays).toBe(14);
  });

  it('offers only family-friendly services', () => {
    const names = CATEGORIES.map((c) => `${c.slug} ${c.name}`.toLowerCase()).join(' ');
    expect(names).not.toMatch(/adult|escort|dating|erotic/);
  });
});
