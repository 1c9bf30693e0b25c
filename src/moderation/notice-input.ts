/** The DSA Art. 16 notice form, validated with zod; one message per field, written for the notifier. */
import { z } from 'zod';
import { NOTICE_CATEGORIES, type NoticeCategory } from './policy.ts';

const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

const schema = z
  .object({
    ad: z.string({ error: 'Which ad is this about?' }).regex(/^\d{1,15}$/, 'Which ad is this about?'),
    category: z.enum(NOTICE_CATEGORIES, { error: 'Choose what kind of problem this is.' }),
    explanation: z
      .string({ error: 'Explain why the ad is illegal or breaks the rules.' })
      .transform((s) => s.replace(/\r\n/g, '\n').trim())
      .refine((s) => s.length >= 20, 'Explain in a few sentences (at least 20 characters) why the ad is illegal or breaks the rules.')
      .refine((s) => s.length <= 5000, 'Keep the explanation under 5,000 characters.')
      .refine((s) => !UNPRINTABLE.test(s), 'The explanation contains characters that cannot be displayed.'),
    url: z
      .string({ error: 'Give the exact address (URL) of the ad.' })
      .trim()
      .max(2000, 'The address is too long.')
      .refine((s) => /^https?:\/\/\S+$/i.test(s) && URL.canParse(s), 'Give the exact address (URL) of the ad, starting with http:// or https://.'),
    name: z.string().trim().max(200, 'Keep the name under 200 characters.').optional().default(''),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .max(254)
      .optional()
      .default('')
      .refine((s) => s === '' || z.email().safeParse(s).success, 'Enter a valid e-mail address, such as name@example.com.'),
    good_faith: z.literal('on', { error: 'Please confirm that you believe the information in this report is accurate and complete.' }),
  });

export interface NoticeInput {
  adId: number;
  category: NoticeCategory;
  explanation: string;
  url: string;
  name: string | null;
  email: string | null;
}

export type NoticeParse = { ok: true; input: NoticeInput } | { ok: false; errors: Record<string, string> };

const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';

export function parseNotice(raw: Record<string, unknown>): NoticeParse {
  const r = schema.safeParse(raw);
  const errors: Record<string, string> = {};
  if (!r.success) {
    for (const issue of r.error.issues) {
      const key = String(issue.path[0] ?? 'form');
      errors[key] ??= issue.message;
    }
  }
  // Art. 16(2)(c): name and e-mail are required, except for reports of child sexual abuse.
  if (raw.category !== 'child_safety') {
    if (blank(raw.name)) errors.name ??= 'Give your name (not needed for reports about the abuse of a minor).';
    if (blank(raw.email)) errors.email ??= 'Give your e-mail address so we can confirm receipt and tell you the outcome.';
  }
  if (!r.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const d = r.data;
  return { ok: true, input: { adId: Number(d.ad), category: d.category, explanation: d.explanation, url: d.url, name: d.name || null, email: d.email || null } };
}
