/** The "save this search" form: an e-mail address and a frequency, validated with zod. */
import { z } from 'zod';
import { ALERT_FREQUENCIES, type AlertFrequency } from '../db/schema.ts';

export const AlertSignupSchema = z.object({
  email: z
    .string({ error: 'Enter your e-mail address.' })
    .trim()
    .toLowerCase()
    .min(1, 'Enter your e-mail address.')
    .max(254, 'That e-mail address is too long.')
    .pipe(z.email('Enter a valid e-mail address, like name@example.com.')),
  frequency: z.enum(ALERT_FREQUENCIES, { error: 'Choose how often to get alerts: instantly, daily or weekly.' }),
});

export const FrequencySchema = z.enum(ALERT_FREQUENCIES, { error: 'Choose instantly, daily or weekly.' });

export type AlertSignup = { email: string; frequency: AlertFrequency };

export function parseAlertSignup(raw: Record<string, unknown>): { ok: true; input: AlertSignup } | { ok: false; errors: Record<string, string> } {
  const r = AlertSignupSchema.safeParse(raw);
  if (r.success) return { ok: true, input: r.data };
  const errors: Record<string, string> = {};
  for (const i of r.error.issues) errors[String(i.path[0] ?? 'form')] ??= i.message;
  return { ok: false, errors };
}

export const FREQUENCY_LABELS: Record<AlertFrequency, string> = { instant: 'Instantly', daily: 'Daily digest', weekly: 'Weekly digest' };
