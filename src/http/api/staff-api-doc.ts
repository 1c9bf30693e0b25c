/**
 * The moderation API (/api/v1/staff, staff-scope tokens) for the OpenAPI document and the
 * presenters' types: zod schemas rendered by openapi.ts, and the path entries.
 */
import { z } from 'zod';
import { apiSchemas } from './schemas.ts';

const isoDateTime = z.iso.datetime({ offset: true });
const priority = z.number().int().min(0).max(3).describe('0 child safety, 1 trafficking, 2 other illegal content, 3 terms of service.');

export const StaffQueueItemSchema = z
  .object({
    id: z.number().int().describe('The review item id.'),
    ad_id: z.number().int(),
    ad_title: z.string(),
    priority,
    label: z.string().nullable(),
    source: z.string().describe('screening, hash_match, flag, notice, appeal, message_report, repost.'),
    trusted: z.boolean().describe('Raised by a trusted flagger (DSA Art. 22): ahead of others of its priority.'),
    state: z.enum(['open', 'decided', 'escalated']),
    created_at: isoDateTime,
    sla_due_at: isoDateTime,
    overdue: z.boolean(),
    claimed_by: z.number().int().nullable().describe('Account id of the moderator holding an unexpired claim.'),
    claimed_until: isoDateTime.nullable(),
    decision: z.string().nullable(),
  })
  .describe('A review item.');
apiSchemas.add(StaffQueueItemSchema, { id: 'StaffQueueItem' });

export const StaffQueuePageSchema = z
  .object({
    items: z.array(StaffQueueItemSchema),
    next: z.string().nullable().describe('Pass as `cursor` for the following page; null on the last page.'),
  })
  .describe('Open items in queue order: priority, trusted flaggers first, oldest first, id.');
apiSchemas.add(StaffQueuePageSchema, { id: 'StaffQueuePage' });

export const StaffItemSchema = z
  .object({
    item: StaffQueueItemSchema,
    ad: z.object({
      id: z.number().int(),
      state: z.string(),
      title: z.string(),
      body: z.string(),
      price: z.number().nullable(),
      currency: z.string().nullable(),
      city: z.string(),
      category: z.string(),
      url: z.string().describe("Path of the ad's public page (live only while published)."),
      email: z.string().describe("The poster's address (staff only)."),
      phone: z.string().nullable(),
      photos: z.array(z.string()).describe('Paths of medium-size photo renditions (WebP), under /api/v1/staff/photos/: fetch them with the same staff token. A photo whose files a hash-bank rejection deleted answers 404.'),
      created_at: isoDateTime,
    }),
    screening: z
      .object({
        decision: z.string(),
        score: z.number(),
        labels: z.array(z.string()),
        reasons: z.array(z.object({ rule: z.string(), label: z.string(), evidence: z.string().describe('The words of the ad that matched.') })),
        group: z.string().nullable(),
      })
      .nullable(),
    flags: z.array(z.object({ reason: z.string(), weight: z.number(), outcome: z.string().nullable(), created_at: isoDateTime })),
    notices: z.array(z.object({ id: z.number().int(), category: z.string(), explanation: z.string(), outcome: z.string().nullable(), trusted: z.boolean() })),
  })
  .describe('A review item with its ad, the screening verdict and its reasons, flags and notices.');
apiSchemas.add(StaffItemSchema, { id: 'StaffItem' });

export const StaffDecisionSchema = z
  .object({
    action: z.enum(['approve', 'remove', 'move_category', 'warn', 'suspend', 'ban', 'escalate']),
    reason: z.string().optional().describe('Policy reason key (remove, warn, suspend, ban): child_safety, trafficking, sexual_services, prohibited_goods, scam, spam, …'),
    category: z.union([z.string(), z.number().int()]).optional().describe('move_category: the new category, by slug or id.'),
    days: z.number().int().min(1).max(365).optional().describe('suspend: 1 to 365 days.'),
    note: z.string().max(1000).optional().describe('Added to the statement of reasons.'),
  })
  .describe('A decision on a claimed item, as on the review page. The caller must hold the claim.');
apiSchemas.add(StaffDecisionSchema, { id: 'StaffDecision' });

export const StaffDecisionResultSchema = z.object({
  item_id: z.number().int(),
  ad_id: z.number().int(),
  decision: z.string(),
  statements: z.array(z.string()).describe('puids of the statements of reasons stored.'),
});
apiSchemas.add(StaffDecisionResultSchema, { id: 'StaffDecisionResult' });

export const StatementSchema = z
  .looseObject({
    id: z.number().int(),
    ad_id: z.number().int(),
    created_at: isoDateTime,
    puid: z.string(),
    decision_ground: z.string(),
    category: z.string(),
    content_type: z.array(z.string()),
    decision_visibility: z.array(z.string()).optional(),
    decision_account: z.string().optional(),
    decision_provision: z
      .string()
      .optional()
      .describe('A restriction of the service itself: DECISION_PROVISION_PARTIAL_SUSPENSION for a replier blocked from the relay.'),
    source_type: z.string(),
    automated_detection: z.enum(['Yes', 'No']),
    automated_decision: z.string(),
    content_date: z.string(),
    application_date: z.string(),
    decision_facts: z.string(),
    illegal_content_legal_ground: z.string().optional(),
    illegal_content_explanation: z.string().optional(),
    incompatible_content_ground: z.string().optional(),
    incompatible_content_explanation: z.string().optional(),
    category_specification: z.array(z.string()).optional(),
    recipient_email: z
      .string()
      .nullable()
      .describe('Not a Transparency Database field (personal data, never submitted): the address the statement was sent to when it is not the ad\'s poster (a reported replier, puid corkboard-msg…), lower-case, as it was then. Null: the poster.'),
    recipient_user_id: z.number().int().nullable().describe('The recipient\'s account when the statement is addressed to a replier who had one; null otherwise.'),
  })
  .describe('A statement of reasons (DSA Art. 17) in the DSA Transparency Database fields, plus id, ad_id, created_at and whom it was addressed to (recipient_email, recipient_user_id).');
apiSchemas.add(StatementSchema, { id: 'Statement' });

export const StatementPageSchema = z.object({
  items: z.array(StatementSchema),
  next: z.string().nullable().describe('Pass as `cursor` for older statements; null on the last page.'),
});
apiSchemas.add(StatementPageSchema, { id: 'StatementPage' });

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schemaId: string, description: string) => ({ description, content: { 'application/json': { schema: ref(schemaId) } } });
const security = [{ bearerAuth: [] }];
const errors = {
  '401': json('Error', 'No token, or a token that is not valid or was revoked.'),
  '404': json('Error', 'Not found; also the answer to a token without the staff scope or whose owner is no longer staff (never any data).'),
  '429': json('Error', 'Too many requests.'),
};
const idParam = { name: 'id', in: 'path', required: true, description: 'The review item id.', schema: { type: 'integer', minimum: 1 } };
const limitParam = { name: 'limit', in: 'query', required: false, description: 'Page size, default 50, at most 100.', schema: { type: 'integer', minimum: 1, maximum: 100 } };
const cursorParam = { name: 'cursor', in: 'query', required: false, description: 'The `next` value of the previous page.', schema: { type: 'string' } };

export const staffApiPaths = {
  '/api/v1/staff/queue': {
    get: {
      operationId: 'staffQueue',
      summary: 'Open review items in queue order, keyset-paged (staff-scope token).',
      security,
      parameters: [{ name: 'priority', in: 'query', required: false, description: 'Only this priority (0–3).', schema: { type: 'integer', minimum: 0, maximum: 3 } }, limitParam, cursorParam],
      responses: { '200': json('StaffQueuePage', 'A page of open items.'), '400': json('Error', 'A parameter is not valid.'), ...errors },
    },
  },
  '/api/v1/staff/items/{id}': {
    get: {
      operationId: 'staffItem',
      summary: 'One review item with its ad and the screening reasons. Reading does not claim it.',
      security,
      parameters: [idParam],
      responses: { '200': json('StaffItem', 'The item.'), ...errors },
    },
  },
  '/api/v1/staff/items/{id}/claim': {
    post: {
      operationId: 'staffClaim',
      summary: 'Claim an open item for 15 minutes (renews your own claim).',
      security,
      parameters: [idParam],
      responses: {
        '200': json('StaffQueueItem', 'The claimed item.'),
        '403': json('Error', 'The ad is your own, or was posted by staff of your rank or above: another moderator has to decide it (the message says which).'),
        '409': json('Error', 'Decided already, or another moderator holds the claim.'),
        ...errors,
      },
    },
  },
  '/api/v1/staff/items/{id}/decide': {
    post: {
      operationId: 'staffDecide',
      summary: 'Decide a claimed item: the same decisions, statements of reasons, mails and audit entries as the review page.',
      security,
      parameters: [idParam],
      requestBody: { required: true, content: { 'application/json': { schema: ref('StaffDecision') } } },
      responses: {
        '200': json('StaffDecisionResult', 'Decided.'),
        '400': json('Error', 'The decision is not valid (`error.fields` says which part).'),
        '403': json('Error', 'The ad is your own, or was posted by staff of your rank or above: another moderator has to decide it.'),
        '409': json('Error', 'Decided already, or you do not hold the claim.'),
        ...errors,
      },
    },
  },
  '/api/v1/staff/statements': {
    get: {
      operationId: 'staffStatements',
      summary: 'Statements of reasons, newest first, keyset-paged, in the DSA Transparency Database fields.',
      security,
      parameters: [limitParam, cursorParam],
      responses: { '200': json('StatementPage', 'A page of statements.'), '400': json('Error', 'A parameter is not valid.'), ...errors },
    },
  },
};
