/**
 * The JSON API's response shapes as zod schemas: the single source for the presenters' types and
 * for the OpenAPI document (src/http/api/openapi.ts renders them with z.toJSONSchema), so the
 * documentation cannot drift from what the code sends.
 */
import { z } from 'zod';

/** Schemas registered here become components/schemas/<id> in the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string }>();

const isoDateTime = z.iso.datetime({ offset: true }).describe('ISO 8601 date and time, in UTC.');
const nullableString = z.string().nullable();

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('A stable machine-readable code, such as not_found or validation_failed.'),
      message: z.string().describe('A sentence a person can act on.'),
      fields: z.record(z.string(), z.string()).optional().describe('Per-parameter messages, keyed by parameter name.'),
    }),
  })
  .describe('Every error response has this shape, with the matching HTTP status.');
apiSchemas.add(ErrorSchema, { id: 'Error' });

export const AdListItemSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    price: z.number().nullable().describe('Whole units of `currency`; null when no price was given.'),
    currency: nullableString.describe('ISO 4217 code.'),
    city: z.string().describe('City slug (see /api/v1/cities).'),
    category: z.string().describe('Category slug (see /api/v1/categories).'),
    neighbourhood: nullableString,
    url: z.string().describe("Path of the ad's page on this site."),
    posted_at: isoDateTime.describe('When the ad was posted or last renewed.'),
    thumbnail: nullableString.describe('Path of a small photo, or null when the ad has no photos.'),
    photo_count: z.number().int(),
  })
  .describe('An ad as it appears in a list.');
apiSchemas.add(AdListItemSchema, { id: 'AdListItem' });

export const AdListSchema = z.object({
  items: z.array(AdListItemSchema),
  next: nullableString.describe('Pass as `cursor` to get the next page; null on the last page.'),
  count: z.number().int().describe('Number of matching ads, counted up to a cap.'),
  count_capped: z.boolean().describe('True when there are more matches than `count`.'),
});
apiSchemas.add(AdListSchema, { id: 'AdList' });

export const PhotoSchema = z.object({
  medium: z.string().describe('Path of a medium-size WebP rendition.'),
  large: z.string().describe('Path of a large WebP rendition.'),
  width: z.number().int(),
  height: z.number().int(),
});
apiSchemas.add(PhotoSchema, { id: 'Photo' });

export const ContactSchema = z
  .object({
    mode: z
      .enum(['relay', 'phone'])
      .describe(
        'relay: reply through the site, which forwards mail. phone: the same relay, and the poster also gives a phone number, ' +
          'which the ad page shows on request ("Show phone number", rate-limited); the API never includes it, so it cannot be harvested in bulk.',
      ),
  })
  .describe("How to reach the poster. The poster's e-mail address and phone number are never in the API.");
apiSchemas.add(ContactSchema, { id: 'Contact' });

export const FieldValueSchema = z.union([z.string(), z.number(), z.boolean()]);

export const AdSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    body: z.string(),
    price: z.number().nullable(),
    currency: nullableString,
    city: z.string(),
    category: z.string(),
    neighbourhood: nullableString,
    fields: z.record(z.string(), FieldValueSchema).describe("The category's own attributes, keyed by field key (see /api/v1/categories)."),
    url: z.string(),
    posted_at: isoDateTime,
    expires_at: isoDateTime,
    photos: z.array(PhotoSchema),
    contact: ContactSchema,
  })
  .describe('One published ad.');
apiSchemas.add(AdSchema, { id: 'Ad' });

export const CitySchema = z.object({
  slug: z.string(),
  name: z.string(),
  region: z.string().describe('Region as `<country-slug>/<region-slug>`, the form the `region` search parameter takes.'),
  region_name: z.string(),
  country: z.string().describe('Country slug.'),
  country_code: z.string().describe('ISO 3166-1 alpha-2 code.'),
  population: z.number().int(),
  currency: z.string(),
});
apiSchemas.add(CitySchema, { id: 'City' });

export const CityListSchema = z.object({
  items: z.array(CitySchema),
  next: nullableString.describe('Pass as `cursor` to get the next page; null on the last page.'),
});
apiSchemas.add(CityListSchema, { id: 'CityList' });

export const FieldDefSchema = z
  .object({
    key: z.string().describe('Ad field key; search filters are `f_<key>` (exact, bool) or `f_<key>_min` / `f_<key>_max` (range).'),
    label: z.string(),
    type: z.enum(['integer', 'number', 'text', 'select', 'boolean']),
    options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
    min: z.number().optional(),
    max: z.number().optional().describe('Numeric maximum, or maximum length for text.'),
    unit: z.string().optional(),
    required: z.boolean(),
    filter: z.enum(['range', 'exact', 'bool']).nullable().describe('How search can filter on the field; null when it cannot.'),
  })
  .describe('One structured attribute of ads in a category.');
apiSchemas.add(FieldDefSchema, { id: 'FieldDef' });

export const CategorySchema = z.object({
  slug: z.string(),
  name: z.string(),
  parent: nullableString,
  postable: z.boolean().describe('Whether ads can be posted in it (only leaf categories).'),
  schema_type: z.string().describe('The schema.org type used for its ads.'),
  price_label: nullableString.describe('Label of the price, or null when ads in this category have no price.'),
  expiry_days: z.number().int(),
  fields: z.array(FieldDefSchema),
  get children() {
    return z.array(CategorySchema);
  },
});
apiSchemas.add(CategorySchema, { id: 'Category' });

export const CategoryListSchema = z.object({ items: z.array(CategorySchema) });
apiSchemas.add(CategoryListSchema, { id: 'CategoryList' });

export type ApiError = z.infer<typeof ErrorSchema>;
export type ApiAdListItem = z.infer<typeof AdListItemSchema>;
export type ApiAdList = z.infer<typeof AdListSchema>;
export type ApiAd = z.infer<typeof AdSchema>;
export type ApiPhoto = z.infer<typeof PhotoSchema>;
export type ApiContact = z.infer<typeof ContactSchema>;
export type ApiCity = z.infer<typeof CitySchema>;
export type ApiCityList = z.infer<typeof CityListSchema>;
export type ApiFieldDef = z.infer<typeof FieldDefSchema>;
export type ApiCategory = z.infer<typeof CategorySchema>;
