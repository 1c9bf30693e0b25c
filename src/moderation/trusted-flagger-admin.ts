/**
 * Admins designate trusted flaggers (DSA Art. 22): an account (named by its e-mail address), one
 * exact e-mail address, or a whole e-mail domain, each with the organisation it stands for. Notices
 * matching any kind, and flags from a matching account, go to the front of their queue priority
 * (src/moderation/notice.service.ts, flag.service.ts). Each change and its audit entry commit together.
 */
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import { AccountRepository } from '../accounts/account.repository.ts';
import type { Database, Db } from '../db/client.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { TrustedFlaggerRepository, type TrustedFlaggerRow } from './trusted-flagger.repository.ts';

export const TRUSTED_FLAGGER_KINDS = ['account', 'email', 'domain'] as const;
export type TrustedFlaggerKind = (typeof TRUSTED_FLAGGER_KINDS)[number];

/** A host name of at least two labels, such as "hotline.example.org". */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const emailValue = z.email('Enter a valid e-mail address, such as reports@hotline.example.org.').max(254, 'The e-mail address is too long.');

const AddSchema = z.object({
  kind: z.enum(TRUSTED_FLAGGER_KINDS, { error: 'Choose an account, one e-mail address or a whole domain.' }),
  value: z.string({ error: 'Enter what to trust.' }).trim().toLowerCase().min(1, 'Enter what to trust.'),
  organisation: z
    .string({ error: 'Enter the organisation.' })
    .trim()
    .min(2, 'Enter the name of the organisation (at least 2 characters).')
    .max(120, 'Keep the organisation to 120 characters.'),
});

/** The add form's fields, each checked so that every wrong field gets its own message at once. */
function parseAdd(raw: Record<string, unknown>): { kind: TrustedFlaggerKind; value: string; organisation: string } {
  const r = AddSchema.safeParse(raw);
  const fields: Record<string, string> = {};
  if (!r.success) for (const issue of r.error.issues) fields[String(issue.path[0] ?? 'form')] ??= issue.message;
  const kind = z.enum(TRUSTED_FLAGGER_KINDS).safeParse(raw.kind).data;
  let value = typeof raw.value === 'string' ? raw.value.trim().toLowerCase() : '';
  if (kind && value && !fields.value) {
    if (kind === 'domain') {
      value = value.replace(/^@/, '');
      if (!DOMAIN.test(value)) fields.value = 'Enter a domain such as hotline.example.org, without a name before it.';
    } else {
      const e = emailValue.safeParse(value);
      if (!e.success) fields.value = e.error.issues[0]!.message;
    }
  }
  if (!r.success || Object.keys(fields).length > 0) throw validationError(fields);
  return { kind: r.data.kind, value, organisation: r.data.organisation };
}

export type TrustedFlaggerListing = Awaited<ReturnType<TrustedFlaggerRepository['list']>>[number];

export class TrustedFlaggerAdmin {
  constructor(private deps: { database: Database; audit: AuditLog; now: () => Date }) {}

  list(): Promise<TrustedFlaggerListing[]> {
    return new TrustedFlaggerRepository(this.deps.database.db).list();
  }

  /** Validates and adds an entry; refusals are per-field validation errors (`kind`, `value`, `organisation`). */
  async add(actorId: number, raw: Record<string, unknown>): Promise<TrustedFlaggerRow> {
    const { kind, value, organisation } = parseAdd(raw);
    return this.deps.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      let stored = value;
      if (kind === 'account') {
        const user = await new AccountRepository(tx).findUserByEmail(value);
        if (!user) throw validationError({ value: 'No account has this e-mail address. Add it as an e-mail address instead, or ask them to sign up first.' });
        stored = String(user.id);
      }
      const repo = new TrustedFlaggerRepository(tx);
      const existing = await repo.findEntry(kind, stored);
      const row = existing ? undefined : await repo.insert(kind, stored, organisation, this.deps.now());
      if (!row) throw validationError({ value: `Already a trusted flagger${existing ? ` (for ${existing.organisation})` : ''}.` });
      await this.deps.audit.append(
        { actor: `user:${actorId}`, action: 'trusted_flagger.added', subjectType: 'trusted_flagger', subjectId: row.id, details: { kind, value: row.value, shown: value, organisation } },
        tx,
      );
      return row;
    });
  }

  /** Removes an entry; not_found if there is none with this id. */
  async remove(actorId: number, id: number): Promise<TrustedFlaggerRow> {
    return this.deps.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const row = Number.isSafeInteger(id) ? await new TrustedFlaggerRepository(tx).delete(id) : undefined;
      if (!row) throw new AppError('not_found', 'No such trusted flagger.');
      await this.deps.audit.append(
        { actor: `user:${actorId}`, action: 'trusted_flagger.removed', subjectType: 'trusted_flagger', subjectId: row.id, details: { kind: row.kind, value: row.value, organisation: row.organisation } },
        tx,
      );
      return row;
    });
  }
}
