/**
 * What a poster submits, validated once for the HTML form and the JSON API alike.
 * Messages are written for the person filling in the form, one per field.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { getCategory, parseCategoryFields } from '../catalog/categories.ts';
import type { Places } from '../places/places.ts';
import type { FieldValue } from '../catalog/field-def.ts';

export const MAX_PHOTOS = 12;
export const MAX_PRICE = 1_000_000_000_000;

// Control characters other than tab and newlines, and U+FFFD (what invalid UTF-8 decodes to).
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;
const cleanText = (label: string, min: number, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .transform((s) => s.replace(/\r\n/g, '\n').trim())
    .refine((s) => s.length >= min, `${label} must be at least ${min} characters.`)
    .refine((s) => s.length <= max, `${label} must be at most ${max} characters.`)
    .refine((s) => !UNPRINTABLE.test(s), `${label} contains characters that cannot be displayed.`);

const priceField = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return null;
    const text = typeof v === 'number' ? String(v) : v.trim().replace(/[,\s]/g, '');
    if (!/^-?\d+(\.\d{1,2})?$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'Price must be a number, such as 250 or 1,200.' });
      return z.NEVER;
    }
    const n = Math.round(Number(text));
    if (n < 0) {
      ctx.addIssue({ code: 'custom', message: 'Price cannot be negative. Leave it empty for "free" or "ask".' });
      return z.NEVER;
    }
    if (n > MAX_PRICE) {
      ctx.addIssue({ code: 'custom', message: 'Price is too large.' });
      return z.NEVER;
    }
    return n;
  });

const AdFormSchema = z.object({
  title: cleanText('Title', 5, 100),
  body: cleanText('Description', 10, 10_000),
  price: priceField,
  category: z.string({ error: 'Choose a category.' }).min(1, 'Choose a category.'),
  city: z.string({ error: 'Choose a city.' }).min(1, 'Choose a city.'),
  neighbourhood: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .refine((s) => s.length <= 60, 'Neighbourhood must be at most 60 characters.')
    .refine((s) => !UNPRINTABLE.test(s), 'Neighbourhood contains characters that cannot be displayed.'),
  email: z
    .string({ error: 'Enter your e-mail address.' })
    .trim()
    .toLowerCase()
    .pipe(z.email('Enter a valid e-mail address, such as name@example.com.').max(254)),
  contact_mode: z.enum(['relay', 'phone'], { error: 'Choose how people may contact you.' }).default('relay'),
  phone: z.string().optional(),
});

export interface AdInput {
  title: string;
  body: string;
  price: number | null;
  currency: string;
  cityId: number;
  categoryId: number;
  neighbourhood: string | null;
  email: string;
  contactMode: 'relay' | 'phone';
  phone: string | null;
  fields: Record<string, FieldValue>;
}

export type ParseResult = { ok: true; input: AdInput } | { ok: false; errors: Record<string, string> };

/** Validates a submitted ad. `raw.fields` (or `f_<key>` form keys) carries the category's own fields. */
export function parseAdInput(raw: Record<string, unknown>, places: Places): ParseResult {
  const errors: Record<string, string> = {};
  const parsed = AdFormSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'form');
      errors[key] ??= issue.message;
    }
  }
  const city = typeof raw.city === 'string' ? places.cityBySlug.get(raw.city) : undefined;
  if (raw.city && !city) errors.city = 'Choose a city from the list.';
  const category = typeof raw.category === 'string' ? places.categoryBySlug.get(raw.category) : undefined;
  if (raw.category && !category) errors.category = 'Choose a category from the list.';
  else if (category && places.isArchived(category)) errors.category = 'This category no longer takes new ads. Choose another category from the list.';
  else if (category && places.childCategories(category.id).length > 0) errors.category = 'Choose a more specific category.';

  let fields: Record<string, FieldValue> = {};
  if (category) {
    const result = parseCategoryFields(fieldsCategorySlug(category, places), collectFieldValues(raw));
    if (result.ok) fields = result.values;
    else for (const [k, msg] of Object.entries(result.errors)) errors[`f_${k}`] = msg;
  }

  let phone: string | null = null;
  if (parsed.success && parsed.data.contact_mode === 'phone') {
    const text = (parsed.data.phone ?? '').trim();
    const number = text ? parsePhoneNumberFromString(text, (city?.countryCode ?? 'US') as CountryCode) : undefined;
    if (!text) errors.phone = 'Enter the phone number to show, or choose "Anonymous e-mail relay only".';
    else if (!number || !number.isValid()) errors.phone = 'Enter a valid phone number, with the country code if it is not local.';
    else phone = number.number;
  }

  if (!parsed.success || Object.keys(errors).length > 0 || !city || !category) return { ok: false, errors };
  const d = parsed.data;
  return {
    ok: true,
    input: {
      title: d.title,
      body: d.body,
      price: d.price,
      currency: city.currency,
      cityId: city.id,
      categoryId: category.id,
      neighbourhood: d.neighbourhood || null,
      email: d.email,
      contactMode: d.contact_mode,
      phone,
      fields,
    },
  };
}

/** Category fields arrive as `f_<key>` form fields or as a `fields` object in JSON. */
function collectFieldValues(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (raw.fields && typeof raw.fields === 'object') Object.assign(out, raw.fields);
  for (const [k, v] of Object.entries(raw)) if (k.startsWith('f_')) out[k.slice(2)] = v;
  return out;
}

/**
 * The catalog category whose fields an ad in `category` has: its own, or for a subcategory an admin
 * added (not in src/catalog) its parent's.
 */
export function fieldsCategorySlug(category: { slug: string; parentId: number | null }, places: Places): string {
  if (getCategory(category.slug) || category.parentId === null) return category.slug;
  return places.categoryById.get(category.parentId)?.slug ?? category.slug;
}
