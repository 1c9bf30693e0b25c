/**
 * The OpenAPI 3.1 document for /api/v1, built from the same zod schemas the presenters are typed
 * with (src/http/api/schemas.ts) and the same parameter list the routes read.
 */
import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../../listings/search-params.ts';
import { accountApiOperations, bearerSecurityScheme } from './account-api-doc.ts';
import { apiSchemas } from './schemas.ts';
import { staffApiPaths } from './staff-api-doc.ts';

export const DEFAULT_AD_LIMIT = 25;
export const DEFAULT_CITY_LIMIT = 50;
export const MAX_CITY_LIMIT = 500;

interface ParamDoc {
  name: string;
  in: 'query' | 'path';
  description: string;
  schema: z.ZodType;
  required?: boolean;
}

const str = z.string();
const num = z.number().min(0);

export const AD_SEARCH_PARAMS: ParamDoc[] = [
  { name: 'q', in: 'query', description: 'Search words (web-search syntax: "exact phrase", -exclude, or).', schema: z.string().max(200) },
  { name: 'city', in: 'query', description: 'City slug. Takes precedence over region and country.', schema: str },
  { name: 'region', in: 'query', description: 'Region as `<country-slug>/<region-slug>` (see the `region` of a city).', schema: str },
  { name: 'country', in: 'query', description: 'Country slug or ISO 3166-1 alpha-2 code.', schema: str },
  { name: 'category', in: 'query', description: 'Category slug; a top-level category includes its children. Enables the `f_` field filters.', schema: str },
  { name: 'min_price', in: 'query', description: 'Lowest price, in whole units of the local currency.', schema: num },
  { name: 'max_price', in: 'query', description: 'Highest price.', schema: num },
  { name: 'has_photos', in: 'query', description: 'Only ads with photos when true, 1 or on.', schema: z.enum(['true', '1', 'on', 'false', '0']) },
  { name: 'within_days', in: 'query', description: 'Only ads posted or renewed within this many days.', schema: z.number().int().min(1).max(365) },
  {
    name: 'sort',
    in: 'query',
    description: 'Order of results. Default: relevance when `q` is given, otherwise newest. `price` means price_asc.',
    schema: z.enum(['newest', 'price', 'price_asc', 'price_desc', 'relevance']),
  },
  { name: 'limit', in: 'query', description: `Page size, default ${DEFAULT_AD_LIMIT}.`, schema: z.number().int().min(1).max(MAX_PAGE_SIZE) },
  { name: 'cursor', in: 'query', description: 'The `next` value of the previous page. Keep the other parameters unchanged.', schema: z.string().max(500) },
];

const FIELD_FILTER_NOTE =
  'With `category`, the category\'s fields (see /api/v1/categories) filter too: `f_<key>=<value>` for exact and bool fields ' +
  '(for example `f_make=toyota`, `f_petsAllowed=true`), `f_<key>_min` / `f_<key>_max` for range fields (for example `f_year_min=2015`).';

const CITY_PARAMS: ParamDoc[] = [
  { name: 'country', in: 'query', description: 'Country slug or ISO 3166-1 alpha-2 code.', schema: str },
  { name: 'q', in: 'query', description: 'Part of the city name, ignoring case and accents.', schema: z.string().max(100) },
  { name: 'limit', in: 'query', description: `Page size, default ${DEFAULT_CITY_LIMIT}.`, schema: z.number().int().min(1).max(MAX_CITY_LIMIT) },
  { name: 'cursor', in: 'query', description: 'The `next` value of the previous page.', schema: str },
];

const ID_PARAM: ParamDoc = { name: 'id', in: 'path', required: true, description: 'The ad id (the number at the end of its page address).', schema: z.number().int().min(1) };

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schemaId: string, description: string) => ({ description, content: { 'application/json': { schema: ref(schemaId) } } });
const errorResponse = (description: string) => json('Error', description);

function parameter(p: ParamDoc) {
  const schema = z.toJSONSchema(p.schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  delete schema.$schema;
  return { name: p.name, in: p.in, required: p.required ?? false, description: p.description, schema };
}

function componentSchemas(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(apiSchemas, { target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  return schemas;
}

let cached: object | undefined;

export function openApiDocument(serverUrl: string): object {
  cached ??= buildDocument();
  return { ...cached, servers: [{ url: serverUrl }] };
}

function buildDocument() {
  const common = {
    '400': errorResponse('A parameter is not valid; `error.fields` names each one.'),
    '429': errorResponse('Too many requests.'),
    '500': errorResponse('Something went wrong on the server.'),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Corkboard API',
      version: '1.0.0',
      description: 'Read-only access to published ads, places and categories. Every error is `{"error":{"code","message"}}` with a matching HTTP status.',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
    },
    paths: {
      '/api/v1/ads': {
        get: {
          operationId: 'searchAds',
          summary: 'Search and list published ads, newest first by default, with keyset pagination.',
          description: FIELD_FILTER_NOTE,
          parameters: AD_SEARCH_PARAMS.map(parameter),
          responses: { '200': json('AdList', 'A page of ads.'), ...common },
        },
        post: accountApiOperations.createAd,
      },
      '/api/v1/ads/{id}': {
        get: {
          operationId: 'getAd',
          summary: 'One published ad. Ads that are not (or no longer) published are not found.',
          parameters: [parameter(ID_PARAM)],
          responses: { '200': json('Ad', 'The ad.'), '404': errorResponse('No published ad has this id.'), ...common },
        },
        patch: accountApiOperations.updateAd,
        delete: accountApiOperations.deleteAd,
      },
      '/api/v1/ads/{id}/photos': { post: accountApiOperations.addAdPhotos },
      '/api/v1/ads/{id}/photos/{photoId}': { delete: accountApiOperations.deleteAdPhoto },
      '/api/v1/cities': {
        get: {
          operationId: 'listCities',
          summary: 'Cities, largest first.',
          parameters: CITY_PARAMS.map(parameter),
          responses: { '200': json('CityList', 'A page of cities.'), ...common },
        },
      },
      ...staffApiPaths,
      '/api/v1/categories': {
        get: {
          operationId: 'listCategories',
          summary: 'The category tree with each category\'s fields, for building posting forms and search filters.',
          responses: { '200': json('CategoryList', 'Top-level categories with their children.'), ...common },
        },
      },
    },
    components: { schemas: componentSchemas(), securitySchemes: bearerSecurityScheme },
  };
}
