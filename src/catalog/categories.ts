// Category lookup over the tree in category-tree.ts, with inheritance resolved
// once at load so callers always see a category's complete field list.
import { CATEGORY_TREE, DEFAULT_EXPIRY_DAYS, type CategorySpec, type SchemaType } from './category-tree.ts';
import type { FieldDef } from './field-def.ts';

export type { SchemaType } from './category-tree.ts';
export type { FieldDef, FieldFilter, FieldOption, FieldValue } from './field-def.ts';
export { parseCategoryFields, parseFieldFilters } from './field-validation.ts';

export interface CategoryDef {
  slug: string;
  name: string;
  parent: string | null;
  expiryDays: number;
  schemaType: SchemaType;
  /** Label of the price input, or null when ads in this category have no price. */
  priceLabel: string | null;
  fields: FieldDef[];
}

function resolve(spec: CategorySpec, parent: CategoryDef | null): CategoryDef {
  const inherited = parent && spec.inheritFields !== false ? parent.fields : [];
  const own = spec.fields ?? [];
  const ownKeys = new Set(own.map((field) => field.key));
  return {
    slug: spec.slug,
    name: spec.name,
    parent: parent?.slug ?? null,
    expiryDays: spec.expiryDays ?? parent?.expiryDays ?? DEFAULT_EXPIRY_DAYS,
    schemaType: spec.schemaType ?? parent?.schemaType ?? 'Thing',
    priceLabel: spec.priceLabel !== undefined ? spec.priceLabel : (parent?.priceLabel ?? null),
    fields: [...inherited.filter((field) => !ownKeys.has(field.key)), ...own],
  };
}

function flatten(specs: readonly CategorySpec[], parent: CategoryDef | null): CategoryDef[] {
  return specs.flatMap((spec) => {
    const category = resolve(spec, parent);
    return [category, ...flatten(spec.children ?? [], category)];
  });
}

/** Every category, parents directly before their children, in display order. */
export const CATEGORIES: readonly CategoryDef[] = Object.freeze(flatten(CATEGORY_TREE, null));

const bySlug = new Map(CATEGORIES.map((category) => [category.slug, category]));

export function getCategory(slug: string): CategoryDef | undefined {
  return bySlug.get(slug);
}

export function childrenOf(slug: string): CategoryDef[] {
  return CATEGORIES.filter((category) => category.parent === slug);
}

export function topLevel(): CategoryDef[] {
  return CATEGORIES.filter((category) => category.parent === null);
}

/** Categories an ad can be posted in: the leaves of the tree. */
export function postableCategories(): CategoryDef[] {
  return CATEGORIES.filter((category) => childrenOf(category.slug).length === 0);
}
