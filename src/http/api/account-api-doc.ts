/**
 * The token-authenticated writes of /api/v1 (create, edit, delete one's own ads) for the OpenAPI
 * document: request and response schemas (zod, rendered by openapi.ts) and the path entries.
 */
import { z } from 'zod';
import { apiSchemas, PhotoSchema } from './schemas.ts';
import { MAX_PHOTOS } from '../../listings/ad-input.ts';

const fieldValue = z.union([z.string(), z.number(), z.boolean()]);

export const AdWriteSchema = z
  .object({
    title: z.string().min(5).max(100),
    body: z.string().min(10).max(10_000).describe('The description.'),
    price: z.union([z.number(), z.string(), z.null()]).optional().describe('Whole units of the city\'s currency; null or absent for none.'),
    category: z.string().describe('A leaf category slug (see /api/v1/categories).'),
    city: z.string().describe('City slug (see /api/v1/cities).'),
    neighbourhood: z.string().max(60).optional(),
    contact_mode: z.enum(['relay', 'phone']).optional().describe('Default relay.'),
    phone: z.string().optional().describe('Required with contact_mode phone.'),
    fields: z.record(z.string(), fieldValue).optional().describe("The category's own fields, by key."),
  })
  .describe('An ad as a poster submits it: the same fields as the form. The e-mail is the account\'s. Photos are added with POST /api/v1/ads/{id}/photos.');
apiSchemas.add(AdWriteSchema, { id: 'AdWrite' });

export const AdPatchSchema = AdWriteSchema.partial().describe('Any subset of AdWrite; absent fields keep their value.');
apiSchemas.add(AdPatchSchema, { id: 'AdPatch' });

export const OwnPhotoSchema = PhotoSchema.extend({ id: z.number().int().describe('Pass to DELETE /api/v1/ads/{id}/photos/{photoId}.') }).describe(
  'A photo of one of your ads. `medium` and `large` are private, view-only addresses that work in any state of the ad (no token needed; they stop working when the ad is deleted); the public addresses on the ad page answer only while it is published.',
);
apiSchemas.add(OwnPhotoSchema, { id: 'OwnPhoto' });

export const OwnAdSchema = z
  .object({
    id: z.number().int(),
    state: z.enum(['pending', 'published', 'held', 'rejected', 'expired', 'removed', 'unconfirmed']),
    state_reason: z.string().nullable().describe('Why the ad is held or rejected, when it is.'),
    title: z.string(),
    price: z.number().nullable(),
    currency: z.string().nullable(),
    city: z.string(),
    category: z.string(),
    url: z.string().describe("Path of the ad's public page (live only while state is published)."),
    manage_url: z.string().describe('The private page to edit, renew or delete the ad.'),
    created_at: z.string(),
    expires_at: z.string(),
    photos: z.array(OwnPhotoSchema).describe('In display order; the first is the thumbnail.'),
  })
  .describe("One of the caller's own ads, in any state.");
apiSchemas.add(OwnAdSchema, { id: 'OwnAd' });

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schemaId: string, description: string) => ({ description, content: { 'application/json': { schema: ref(schemaId) } } });
const body = (schemaId: string) => ({ required: true, content: { 'application/json': { schema: ref(schemaId) } } });
const photoIdParam = { name: 'photoId', in: 'path', required: true, description: 'The photo id (from `photos[].id`).', schema: { type: 'integer', minimum: 1 } };
const idParam = { name: 'id', in: 'path', required: true, description: 'The ad id.', schema: { type: 'integer', minimum: 1 } };

const security = [{ bearerAuth: [] }];
const authErrors = {
  '401': json('Error', 'No token, or a token that is not valid or was revoked.'),
  '429': json('Error', 'Too many requests.'),
};
const notYours = { '404': json('Error', 'No ad with this id belongs to the account (others\' ads answer the same as missing ones).') };

export const bearerSecurityScheme = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token created on the site under My account → API tokens, sent as `Authorization: Bearer cb_…`.',
  },
};

export const accountApiOperations = {
  createAd: {
    operationId: 'createAd',
    summary: 'Post an ad as the token\'s account. It is screened like the form; no confirmation mail is needed.',
    security,
    requestBody: body('AdWrite'),
    responses: { '201': json('OwnAd', 'The ad, with the state screening gave it.'), '400': json('Error', 'A field is not valid; `error.fields` names each one.'), ...authErrors },
  },
  updateAd: {
    operationId: 'updateAd',
    summary: 'Edit one of your ads; it is screened again.',
    security,
    parameters: [idParam],
    requestBody: body('AdPatch'),
    responses: { '200': json('OwnAd', 'The edited ad.'), '400': json('Error', 'A field is not valid.'), '409': json('Error', 'The ad can no longer be edited.'), ...notYours, ...authErrors },
  },
  addAdPhotos: {
    operationId: 'addAdPhotos',
    summary: `Add photos to one of your ads (all or nothing; at most ${MAX_PHOTOS} per ad). The ad is screened again, photos included, like an edit on the site.`,
    description:
      'multipart/form-data with one file part per photo (any field name; `photos` is conventional): JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF, each at most the site\'s size limit (15 MB by default) and 50 megapixels. Each is re-encoded to WebP without metadata. If any file is refused, none is added.',
    security,
    parameters: [idParam],
    requestBody: {
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', properties: { photos: { type: 'array', items: { type: 'string', format: 'binary' } } } } } },
    },
    responses: {
      '201': json('OwnAd', 'The ad with its photos, in the state screening gave it.'),
      '400': json('Error', 'No file, a file that is not a readable image, or more than 12 photos in all; `error.fields.photos` says which.'),
      '409': json('Error', 'The ad can no longer be edited.'),
      '413': json('Error', 'A file is too large (bytes or pixels), or more than 12 files in one request.'),
      '415': json('Error', 'The body is not multipart/form-data.'),
      ...notYours,
      ...authErrors,
    },
  },
  deleteAdPhoto: {
    operationId: 'deleteAdPhoto',
    summary: 'Remove a photo from one of your ads; the ad is screened again.',
    security,
    parameters: [idParam, photoIdParam],
    responses: { '200': json('OwnAd', 'The ad without the photo.'), '409': json('Error', 'The ad can no longer be edited.'), ...notYours, ...authErrors },
  },
  deleteAd: {
    operationId: 'deleteAd',
    summary: 'Delete one of your ads.',
    security,
    parameters: [idParam],
    responses: { '204': { description: 'Deleted.' }, ...notYours, ...authErrors },
  },
};
