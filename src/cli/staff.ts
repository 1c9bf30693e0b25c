/**
 * `corkboard staff add EMAIL --role moderator|senior_moderator|admin`, `staff list`,
 * `staff remove EMAIL`, `staff reset-2fa EMAIL`: who is staff, from the command line. This is how
 * the first admin is made; after that admins can use /staff/admin/staff. Changes are audited with
 * the actor `cli`. Exit codes: 0 done, 1 refused (with the reason), 2 usage or configuration.
 */
import path from 'node:path';
import { StaffService } from '../accounts/staff.service.ts';
import { ROLE_NAMES, STAFF_ROLES } from '../accounts/staff-roles.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { openDatabase } from '../db/client.ts';
import { createMailer } from '../mail/mailer.ts';
import { AppError } from '../platform/errors.ts';
import { configOrExit, flagValue } from './bootstrap.ts';

export const STAFF_USAGE = `usage: corkboard staff add EMAIL --role ${STAFF_ROLES.join('|')}
       corkboard staff list
       corkboard staff remove EMAIL
       corkboard staff reset-2fa EMAIL
`;

type Out = (line: string) => void;

export async function staff(args: string[]): Promise<number> {
  if (!parseStaffArgs(args)) {
    process.stderr.write(STAFF_USAGE);
    return 2;
  }
  const config = configOrExit();
  if (!config) return 2;
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await database.migrate();
    const service = new StaffService({
      database,
      audit: new AuditLog(database.db),
      mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir }),
      publicUrl: config.publicUrl,
      now: () => new Date(),
    });
    return await runStaff(service, args, (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`));
  } finally {
    await database.close();
  }
}

type StaffArgs = { sub: 'list' } | { sub: 'add'; email: string; role: string } | { sub: 'remove' | 'reset-2fa'; email: string };

export function parseStaffArgs(args: string[]): StaffArgs | null {
  const [sub, ...rest] = args;
  const positional = rest.filter((a, i) => !a.startsWith('--') && !(i > 0 && rest[i - 1] === '--role'));
  if (sub === 'list') return rest.length === 0 ? { sub } : null;
  if (sub === 'add') {
    const role = flagValue(rest, '--role');
    return positional.length === 1 && role ? { sub, email: positional[0]!, role } : null;
  }
  if (sub === 'remove' || sub === 'reset-2fa') return positional.length === 1 && rest.length === 1 ? { sub, email: positional[0]! } : null;
  return null;
}

/** The command against a StaffService: testable without a process. */
export async function runStaff(service: StaffService, args: string[], out: Out, err: Out): Promise<number> {
  const parsed = parseStaffArgs(args);
  if (!parsed) {
    err(STAFF_USAGE.trimEnd());
    return 2;
  }
  try {
    switch (parsed.sub) {
      case 'list': {
        const members = await service.list();
        if (members.length === 0) out('no staff accounts: add the first admin with `corkboard staff add EMAIL --role admin`');
        for (const m of members) {
          const twoFactor = m.twoFactorSince ? 'two-factor on' : 'two-factor not set up';
          const last = m.lastSignInAt ? `last sign-in ${m.lastSignInAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'no live session';
          out(`${m.email.padEnd(32)} ${m.role.padEnd(16)} ${twoFactor.padEnd(21)} ${last}`);
        }
        return 0;
      }
      case 'add': {
        const r = await service.add({ email: parsed.email, role: parsed.role }, 'cli');
        const was = r.previousRole && r.previousRole !== 'user' ? ` (was ${r.previousRole})` : '';
        out(`${r.email} is now ${ROLE_NAMES[r.role].toLowerCase()}${was}.`);
        if (r.invitationUrl) {
          out('A new, unconfirmed account was created and mailed a link to choose a password.');
          out(`The link (works once, for 72 hours): ${r.invitationUrl}`);
        }
        out('At the first visit to /staff they set up two-factor sign-in with an authenticator app.');
        return 0;
      }
      case 'remove': {
        const m = await service.memberByEmail(parsed.email);
        const r = await service.remove(m.id, 'cli');
        out(`${r.email} is no longer staff (was ${r.from}); the account stays open as an ordinary one.`);
        return 0;
      }
      case 'reset-2fa': {
        const m = await service.memberByEmail(parsed.email);
        const r = await service.resetTwoFactor(m.id, 'cli');
        out(`Two-factor sign-in reset for ${r.email}: they set it up again at their next visit to /staff.`);
        return 0;
      }
    }
  } catch (e) {
    if (!(e instanceof AppError) || e.status >= 500) throw e;
    err(e.fields ? Object.values(e.fields).join(' ') : e.message);
    return 1;
  }
}
