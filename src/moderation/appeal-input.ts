/** The appeal form and the moderator's outcome, validated with zod; one message per field. */
import { z } from 'zod';
import { APPEAL_EXPLANATION_MAX, APPEAL_EXPLANATION_MIN } from './policy.ts';

const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

const text = (what: string, min: number, max: number) =>
  z
    .string({ error: `${what} is missing.` })
    .transform((s) => s.replace(/\r\n/g, '\n').trim())
    .refine((s) => s.length >= min, `Write at least ${min} characters.`)
    .refine((s) => s.length <= max, `Keep it under ${max.toLocaleString('en')} characters.`)
    .refine((s) => !UNPRINTABLE.test(s), 'The text contains characters that cannot be displayed.');

const appealSchema = z.object({
  explanation: z
    .string({ error: 'Explain why you think the decision is wrong.' })
    .transform((s) => s.replace(/\r\n/g, '\n').trim())
    .refine((s) => s.length >= APPEAL_EXPLANATION_MIN, `Explain in a few sentences (at least ${APPEAL_EXPLANATION_MIN} characters) why you think the decision is wrong.`)
    .refine((s) => s.length <= APPEAL_EXPLANATION_MAX, `Keep the explanation under ${APPEAL_EXPLANATION_MAX.toLocaleString('en')} characters.`)
    .refine((s) => !UNPRINTABLE.test(s), 'The explanation contains characters that cannot be displayed.'),
});

const outcomeSchema = z.object({
  outcome: z.enum(['uphold', 'reverse'], { error: 'Choose to uphold or to reverse the decision.' }),
  reason: text('The reason', 10, 2000),
});

export type AppealOutcome = 'uphold' | 'reverse';

type Parsed<T> = { ok: true; input: T } | { ok: false; errors: Record<string, string> };

function parse<T>(schema: z.ZodType<T>, raw: Record<string, unknown>): Parsed<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, input: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? 'form');
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

export const parseAppeal = (raw: Record<string, unknown>) => parse(appealSchema, raw);
export const parseOutcome = (raw: Record<string, unknown>) => parse(outcomeSchema, raw);
