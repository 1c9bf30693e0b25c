/**
 * The site's places and categories, read once from the database and held in memory: a few thousand
 * rows that every page needs, so lookups by slug cost nothing per request.
 */
import type { Db } from '../db/client.ts';
import { categories, cities, countries, regions } from '../db/schema.ts';

export interface Country {
  code: string;
  name: string;
  slug: string;
  currency: string;
}
export interface Region {
  id: number;
  countryCode: string;
  name: string;
  slug: string;
}
export interface City {
  id: number;
  slug: string;
  name: string;
  regionId: number;
  countryCode: string;
  population: number;
  lat: number;
  lon: number;
  currency: string;
}
export interface Category {
  id: number;
  slug: string;
  name: string;
  parentId: number | null;
  position: number;
  expiryDays: number;
  /** Archived: no new ads, left out of menus and the posting form; its ads keep it and stay searchable. */
  archivedAt?: Date | null;
}

export class Places {
  readonly countryByCode = new Map<string, Country>();
  readonly countryBySlug = new Map<string, Country>();
  readonly regionById = new Map<number, Region>();
  readonly cityBySlug = new Map<string, City>();
  readonly cityById = new Map<number, City>();
  readonly categoryBySlug = new Map<string, Category>();
  readonly categoryById = new Map<number, Category>();
  private citiesByRegion = new Map<number, City[]>();

  constructor(
    readonly countries: Country[],
    readonly regions: Region[],
    readonly cities: City[],
    readonly categories: Category[],
  ) {
    for (const c of countries) {
      this.countryByCode.set(c.code, c);
      this.countryBySlug.set(c.slug, c);
    }
    for (const r of regions) this.regionById.set(r.id, r);
    for (const c of cities) {
      this.cityBySlug.set(c.slug, c);
      this.cityById.set(c.id, c);
      const list = this.citiesByRegion.get(c.regionId) ?? [];
      list.push(c);
      this.citiesByRegion.set(c.regionId, list);
    }
    for (const c of categories) {
      this.categoryBySlug.set(c.slug, c);
      this.categoryById.set(c.id, c);
    }
  }

  regionsOf(countryCode: string): Region[] {
    return this.regions.filter((r) => r.countryCode === countryCode).sort((a, b) => a.name.localeCompare(b.name));
  }

  citiesOfRegion(regionId: number): City[] {
    return [...(this.citiesByRegion.get(regionId) ?? [])].sort((a, b) => b.population - a.population);
  }

  regionBySlug(countryCode: string, slug: string): Region | undefined {
    return this.regions.find((r) => r.countryCode === countryCode && r.slug === slug);
  }

  /** Top-level categories offered in menus and the posting form (archived ones left out). */
  topCategories(): Category[] {
    return this.categories.filter((c) => c.parentId === null && !c.archivedAt).sort((a, b) => a.position - b.position);
  }

  /** Subcategories offered in menus and the posting form (archived ones left out). */
  childCategories(parentId: number): Category[] {
    return this.allChildCategories(parentId).filter((c) => !c.archivedAt);
  }

  /** Every subcategory, archived ones included (their ads are still listed and searchable). */
  allChildCategories(parentId: number): Category[] {
    return this.categories.filter((c) => c.parentId === parentId).sort((a, b) => a.position - b.position);
  }

  /** A category and, for a top-level one, all of its children: what a listing of it should include. */
  categoryIdsUnder(category: Category): number[] {
    return [category.id, ...this.allChildCategories(category.id).map((c) => c.id)];
  }

  /** Archived itself or under an archived top-level category: takes no new ads. */
  isArchived(category: Category): boolean {
    return !!category.archivedAt || !!(category.parentId !== null && this.categoryById.get(category.parentId)?.archivedAt);
  }

  parentOf(category: Category): Category | undefined {
    return category.parentId === null ? undefined : this.categoryById.get(category.parentId);
  }
}

export async function loadPlaces(db: Db): Promise<Places> {
  const [co, re, ci, ca] = await Promise.all([
    db.select().from(countries),
    db.select().from(regions),
    db.select().from(cities),
    db.select().from(categories),
  ]);
  co.sort((a, b) => a.name.localeCompare(b.name));
  return new Places(co, re, ci, ca);
}
