/**
 * Who is staff: add an account (creating it, unconfirmed, with a mailed link to choose a password,
 * when the address is new), change a member's role, remove them from staff, reset their two-factor
 * sign-in. Used by `corkboard staff` (actor `cli`) and the admin page /staff/admin/staff (actor
 * `user:<id>`). Each change and its audit entry commit together; the site always keeps one admin.
 */
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database, Db } from '../db/client.ts';
import type { Mailer } from '../mail/mailer.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { EmailOnlySchema, parseForm } from './account-input.ts';
import { staffInvitationMail, staffRoleMail } from './account-mails.ts';
import { TwoFactorRepository } from './two-factor.repository.ts';
import { AccountRepository, type UserRow } from './account.repository.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { isStaffRole, ROLE_NAMES, STAFF_ROLES, type StaffRole } from './staff-roles.ts';

export const INVITATION_HOURS = 72;

export interface StaffContext {
  database: Database;
  audit: AuditLog;
  mailer: Mailer;
  publicUrl: string;
  now: () => Date;
}

export interface StaffMember {
  id: number;
  email: string;
  role: StaffRole;
  twoFactorSince: Date | null;
  lastSignInAt: Date | null;
}

export interface AddedStaff {
  userId: number;
  email: string;
  role: StaffRole;
  previousRole: string | null;
  /** Set when the account was created: the link to choose a password (also mailed). */
  invitationUrl: string | null;
}

export function parseRole(raw: unknown): StaffRole {
  if (!isStaffRole(raw)) throw validationError({ role: `Choose a role: ${STAFF_ROLES.join(', ')}.` });
  return raw;
}

export class StaffService {
  constructor(private ctx: StaffContext) {}

  async list(): Promise<StaffMember[]> {
    const rows = await new AccountRepository(this.ctx.database.db).staffMembers(STAFF_ROLES);
    return rows.map((r) => ({ id: r.id, email: r.email ?? `user ${r.id}`, role: r.role as StaffRole, twoFactorSince: r.totpEnabledAt, lastSignInAt: r.lastSignInAt }));
  }

  /** Gives an address a staff role; a new address gets an unconfirmed account and a mailed link to choose a password. */
  async add(raw: { email?: unknown; role?: unknown }, actor: string): Promise<AddedStaff> {
    const fields: Record<string, string> = {};
    let email = '';
    let role: StaffRole = 'moderator';
    try {
      email = parseForm(EmailOnlySchema, { email: raw.email }).email;
    } catch (err) {
      Object.assign(fields, (err as AppError).fields ?? { email: 'Enter a valid e-mail address.' });
    }
    try {
      role = parseRole(raw.role);
    } catch (err) {
      Object.assign(fields, (err as AppError).fields);
    }
    if (Object.keys(fields).length > 0) throw validationError(fields);
    const now = this.ctx.now();
    let token: string | null = null;
    const result = await this.inTransaction(async (accounts, tx) => {
      let user = await accounts.findUserByEmail(email);
      let created = false;
      if (user?.deletedAt) user = undefined;
      if (!user) {
        const id = await accounts.insertUser({ email, passwordHash: null, createdAt: now });
        if (id === undefined) throw new AppError('conflict', 'This address was just registered; try again.');
        user = (await accounts.findUserById(id))!;
        created = true;
      }
      if (user.role === role) throw validationError({ email: `${email} is already ${ROLE_NAMES[role].toLowerCase()}.` });
      if (user.role === 'admin') await this.keepAnAdmin(accounts, user.id);
      await accounts.updateUser(user.id, { role });
      if (created) {
        token = newSecret();
        await accounts.insertAccountToken({ userId: user.id, purpose: 'reset_password', tokenHash: hashSecret(token), createdAt: now, expiresAt: new Date(now.getTime() + INVITATION_HOURS * 3600_000) });
      }
      await this.ctx.audit.append(
        // Adding someone already on staff with another role is a role change, and logged as one.
        isStaffRole(user.role)
          ? { actor, action: 'staff.role_changed', subjectType: 'user', subjectId: user.id, details: { from: user.role, to: role } }
          : { actor, action: 'staff.added', subjectType: 'user', subjectId: user.id, details: { role, previousRole: user.role, accountCreated: created } },
        tx,
      );
      return { userId: user.id, email, role, previousRole: created ? null : user.role };
    });
    const invitationUrl = token ? `${this.ctx.publicUrl}/password/reset/${token}` : null;
    await this.ctx.mailer.send(invitationUrl ? staffInvitationMail(email, ROLE_NAMES[role], invitationUrl, INVITATION_HOURS) : staffRoleMail(email, ROLE_NAMES[role], this.ctx.publicUrl));
    return { ...result, invitationUrl };
  }

  async changeRole(userId: number, rawRole: unknown, actor: string): Promise<{ from: StaffRole; to: StaffRole; email: string }> {
    const to = parseRole(rawRole);
    const result = await this.inTransaction(async (accounts, tx) => {
      const user = await this.member(accounts, userId);
      const from = user.role as StaffRole;
      if (from === to) return { from, to, email: user.email! };
      if (from === 'admin') await this.keepAnAdmin(accounts, user.id);
      await accounts.updateUser(user.id, { role: to });
      await this.ctx.audit.append({ actor, action: 'staff.role_changed', subjectType: 'user', subjectId: user.id, details: { from, to } }, tx);
      return { from, to, email: user.email! };
    });
    if (result.from !== result.to) await this.ctx.mailer.send(staffRoleMail(result.email, ROLE_NAMES[to], this.ctx.publicUrl));
    return result;
  }

  /** Back to an ordinary account: the role goes, and so does two-factor (secret, recovery codes, sessions' step, staff-scope API tokens). */
  async remove(userId: number, actor: string): Promise<{ email: string; from: StaffRole }> {
    const result = await this.inTransaction(async (accounts, tx) => {
      const user = await this.member(accounts, userId);
      if (user.role === 'admin') await this.keepAnAdmin(accounts, user.id);
      await accounts.updateUser(user.id, { role: 'user' });
      const staffTokensRevoked = await new TwoFactorRepository(tx).resetTwoFactor(user.id, this.ctx.now());
      await this.ctx.audit.append({ actor, action: 'staff.removed', subjectType: 'user', subjectId: user.id, details: { from: user.role, staffTokensRevoked } }, tx);
      return { email: user.email!, from: user.role as StaffRole };
    });
    await this.ctx.mailer.send(staffRoleMail(result.email, null, this.ctx.publicUrl));
    return result;
  }

  /** Lost phone: the member enrols again at their next visit to the staff pages; every session of theirs must pass the step again, and their staff-scope API tokens are revoked. */
  async resetTwoFactor(userId: number, actor: string): Promise<{ email: string }> {
    return this.inTransaction(async (accounts, tx) => {
      const user = await this.member(accounts, userId);
      const staffTokensRevoked = await new TwoFactorRepository(tx).resetTwoFactor(user.id, this.ctx.now());
      await this.ctx.audit.append({ actor, action: 'staff.two_factor_reset', subjectType: 'user', subjectId: user.id, details: { wasEnabled: user.totpEnabledAt !== null, staffTokensRevoked } }, tx);
      return { email: user.email! };
    });
  }

  /** The staff member with this address (for the CLI), or a not-found error naming it. */
  async memberByEmail(email: string): Promise<StaffMember> {
    const normalised = parseForm(EmailOnlySchema, { email }).email;
    const member = (await this.list()).find((m) => m.email === normalised);
    if (!member) throw new AppError('not_found', `${normalised} is not on staff.`);
    return member;
  }

  private async member(accounts: AccountRepository, userId: number): Promise<UserRow> {
    const user = await accounts.findUserById(userId);
    if (!user || user.deletedAt || !isStaffRole(user.role)) throw new AppError('not_found', 'This account is not on staff (any more).');
    return user;
  }

  private async keepAnAdmin(accounts: AccountRepository, leavingId: number) {
    const admins = await accounts.lockAdmins();
    if (admins.filter((id) => id !== leavingId).length === 0) {
      throw new AppError('conflict', 'This is the only admin: make another account admin first, so the site keeps one.');
    }
  }

  private inTransaction<T>(fn: (accounts: AccountRepository, tx: Db) => Promise<T>): Promise<T> {
    return this.ctx.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      return fn(new AccountRepository(tx), tx);
    });
  }
}
