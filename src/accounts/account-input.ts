/** What people type into the account forms, validated with zod; one message per field. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { validationError } from '../platform/errors.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';

const email = z
  .string({ error: 'Enter your e-mail address.' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter your e-mail address.')
  .pipe(z.email('Enter a valid e-mail address, such as name@example.com.').max(254, 'The e-mail address is too long.'));

const newPassword = z
  .string({ error: 'Choose a password.' })
  .min(1, 'Choose a password.')
  .min(PASSWORD_MIN, `The password must be at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `The password must be at most ${PASSWORD_MAX} characters.`);

export const SignUpSchema = z
  .object({ email, password: newPassword })
  .refine((v) => v.password.trim().toLowerCase() !== v.email, { path: ['password'], message: 'The password must not be your e-mail address.' });

export const SignInSchema = z.object({
  email,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(PASSWORD_MAX, 'The password is not right.'),
});

export const EmailOnlySchema = z.object({ email });
export const NewPasswordSchema = z.object({ password: newPassword });

export const ApiTokenNameSchema = z.object({
  name: z
    .string({ error: 'Name the token.' })
    .trim()
    .min(1, 'Name the token, such as "import script".')
    .max(60, 'The name must be at most 60 characters.'),
  /** 'staff' adds the moderation API (/api/v1/staff); only staff accounts may choose it. */
  scope: z.enum(['ads', 'staff'], { error: 'Choose what the token may do.' }).default('ads'),
});

export const PhoneCodeSchema = z.object({
  code: z
    .string({ error: 'Enter the code.' })
    .trim()
    .regex(/^\d{6}$/, 'Enter the 6-digit code from the text message.'),
});

/** Parses with zod and turns issues into per-field messages (the first per field). */
export function parseForm<T extends z.ZodType>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? 'form')] ??= issue.message;
  throw validationError(fields);
}

/** A phone number in international form, validated with libphonenumber-js; returns E.164. */
export function parsePhone(raw: unknown): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) throw validationError({ phone: 'Enter your phone number.' });
  const number = parsePhoneNumberFromString(text.startsWith('00') ? `+${text.slice(2)}` : text);
  if (!number || !number.isValid()) {
    throw validationError({ phone: 'Enter a valid phone number with its country code, such as +1 312 555 0142.' });
  }
  return number.number;
}
