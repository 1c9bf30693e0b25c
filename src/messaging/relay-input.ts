/** What people submit to the relay, validated with zod: the reply form, answers, reports. */
import { z } from 'zod';
import { validationError } from '../platform/errors.ts';

export const MAX_MESSAGE_CHARS = 5000;

const message = z
  .string({ error: 'Write a message.' })
  .transform((s) => s.replace(/\r\n?/g, '\n').trim())
  .refine((s) => s.length > 0, 'Write a message.')
  .refine((s) => s.length <= MAX_MESSAGE_CHARS, `A message may be at most ${MAX_MESSAGE_CHARS} characters.`);

const email = z
  .string({ error: 'Enter your e-mail address.' })
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter a valid e-mail address, such as name@example.com.').max(254));

export const ReplySchema = z.object({ message, email });
export const AnswerSchema = z.object({ message });

export const REPORT_REASONS = {
  spam: 'Spam or advertising',
  scam: 'Scam or fraud attempt',
  harassment: 'Harassment or threats',
  prohibited: 'Prohibited goods or services',
  other: 'Something else',
} as const;

export const ReportSchema = z.object({
  reason: z.enum(Object.keys(REPORT_REASONS) as [keyof typeof REPORT_REASONS], { error: 'Choose a reason.' }),
  details: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .refine((s) => s.length <= 1000, 'Details may be at most 1,000 characters.'),
  message_id: z.coerce.number().int().positive().optional().catch(undefined),
});

/** Parses with a schema, or throws a validation error with one message per field. */
export function parseForm<T extends z.ZodType>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? 'form');
    fields[key] ??= issue.message;
  }
  throw validationError(fields);
}
