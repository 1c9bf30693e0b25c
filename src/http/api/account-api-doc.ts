/**
 * The token-authenticated writes of /api/v1 (create, edit, delete one's own ads) for the OpenAPI
 * document: request and response schemas (zod, rendered by openapi.ts) and the path entries.
 */
import { z } from 'zod';
import { apiSchemas } from './schemas.ts';

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
  .describe('An ad as a poster submits it: the same fields as the form. The e-mail is the account\'s. Photos are added on the site.');
apiSchemas.add(AdWriteSchema, { id: 'AdWrite' });

export const AdPatchSchema = AdWriteSchema.partial().describe('Any subset of AdWrite; absent fields keep their value.');
apiSchemas.add(AdPatchSchema, { id: 'AdPatch' });

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
  })
  .describe("One of the caller's own ads, in any state.");
apiSchemas.add(OwnAdSchema, { id: 'OwnAd' });

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schemaId: string, description: string) => ({ description, content: { 'application/json': { schema: ref(schemaId) } } });
const body = (schemaId: string) => ({ required: true, content: { 'application/json': { schema: ref(schemaId) } } });
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
  deleteAd: {
    operationId: 'deleteAd',
    summary: 'Delete one of your ads.',
    security,
    parameters: [idParam],
    responses: { '204': { description: 'Deleted.' }, ...notYours, ...authErrors },
  },
};
