// Validation of an ad's category fields (posting form) and of field filters
// (search query string), both driven by the category's FieldDefs.
import { getCategory } from './categories.ts';
import type { FieldDef, FieldFilter, FieldValue } from './field-def.ts';
import { blankToUndefined, rangeMessage, toBoolean, valueSchema } from './field-schemas.ts';

export type ParseFieldsResult = { ok: true; values: Record<string, FieldValue> } | { ok: false; errors: Record<string, string> };

/** Validates form input for a category's fields. Unknown keys are ignored; unchecked checkboxes become false. */
export function parseCategoryFields(categorySlug: string, raw: Record<string, unknown>): ParseFieldsResult {
  const category = getCategory(categorySlug);
  if (!category) return { ok: false, errors: { category: 'Choose a category' } };
  const values: Record<string, FieldValue> = {};
  const errors: Record<string, string> = {};
  for (const field of category.fields) {
    const input = blankToUndefined(firstValue(raw[field.key]));
    if (input === undefined) {
      if (field.required) errors[field.key] = `${field.label} is required`;
      else if (field.type === 'boolean') values[field.key] = false;
      continue;
    }
    const parsed = valueSchema(field).safeParse(input);
    if (parsed.success) values[field.key] = parsed.data;
    else errors[field.key] = parsed.error.issues[0]?.message ?? `${field.label} is not valid`;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

/**
 * Reads `f_<key>` (exact/bool) and `f_<key>_min` / `f_<key>_max` (range) query
 * parameters. Invalid parameters are reported by parameter name and skipped, so
 * a search still runs with the filters that did parse.
 */
export function parseFieldFilters(categorySlug: string, query: Record<string, unknown>): { filters: FieldFilter[]; errors: Record<string, string> } {
  const filters: FieldFilter[] = [];
  const errors: Record<string, string> = {};
  for (const field of getCategory(categorySlug)?.fields ?? []) {
    if (field.filter === 'range') {
      const filter = parseRange(field, query, errors);
      if (filter) filters.push(filter);
    } else if (field.filter === 'exact' || field.filter === 'bool') {
      const param = `f_${field.key}`;
      const input = blankToUndefined(firstValue(query[param]));
      if (input === undefined) continue;
      if (field.filter === 'bool') {
        const value = toBoolean(input);
        if (typeof value === 'boolean') filters.push({ key: field.key, kind: 'bool', value });
        else errors[param] = `${field.label} filter must be yes or no`;
        continue;
      }
      const parsed = valueSchema(field).safeParse(input);
      if (parsed.success) filters.push({ key: field.key, kind: 'exact', value: String(parsed.data) });
      else errors[param] = parsed.error.issues[0]?.message ?? `${field.label} filter is not valid`;
    }
  }
  return { filters, errors };
}

function parseRange(field: FieldDef, query: Record<string, unknown>, errors: Record<string, string>): FieldFilter | null {
  const bounds: { min?: number; max?: number } = {};
  for (const end of ['min', 'max'] as const) {
    const param = `f_${field.key}_${end}`;
    const input = blankToUndefined(firstValue(query[param]));
    if (input === undefined) continue;
    const parsed = valueSchema(field).safeParse(input);
    if (parsed.success && typeof parsed.data === 'number') bounds[end] = parsed.data;
    else errors[param] = `${end === 'min' ? 'Minimum' : 'Maximum'} ${field.label.toLowerCase()}: ${parsed.error?.issues[0]?.message ?? rangeMessage(field)}`;
  }
  if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
    errors[`f_${field.key}_min`] = `Minimum ${field.label.toLowerCase()} must not be more than the maximum`;
    return null;
  }
  return bounds.min === undefined && bounds.max === undefined ? null : { key: field.key, kind: 'range', ...bounds };
}

/** Repeated query parameters arrive as arrays; the first one wins. */
function firstValue(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}
