import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { accountRestriction, restrictionMessage } from './restriction.ts';
import { twoFactorBlockSeconds, TOTP_FAILURES_PER_DAY } from './lockout.ts';
import { decryptTotpSecret, encryptTotpSecret, groupSecret, matchTotp, newRecoveryCode, newTotpSecret, normaliseRecoveryCode, totpKeyFrom, totpStep, totpUri } from './totp.ts';

describe('TOTP secrets at rest', () => {
  const key = totpKeyFrom(randomBytes(32));
  it('round-trips, and fails for another account or another key', () => {
    const secret = newTotpSecret();
    const stored = encryptTotpSecret(key, 7, secret);
    expect(stored).toMatch(/^v1:[\w-]+$/);
    expect(stored).not.toContain(secret);
    expect(decryptTotpSecret(key, 7, stored)).toBe(secret);
    expect(() => decryptTotpSecret(key, 8, stored)).toThrow();
    expect(() => decryptTotpSecret(totpKeyFrom(randomBytes(32)), 7, stored)).toThrow();
  });
  it('shows the secret in groups of four and as an otpauth:// URI', () => {
    expect(groupSecret('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')).toBe('ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567');
    expect(totpUri('JBSWY3DPEHPK3PXP', 'mod@example.com')).toMatch(/^otpauth:\/\/totp\/Corkboard:mod%40example\.com\?.*secret=JBSWY3DPEHPK3PXP/);
  });
});

describe('TOTP codes', () => {
  const secret = newTotpSecret();
  const now = new Date('2026-11-22T19:00:10Z');
  const step = totpStep(now);
  const codeAt = (s: number) => generate({ secret, epoch: s * 30 });
  it('accepts the current step and one step either side, nothing further', async () => {
    expect(await matchTotp(secret, await codeAt(step), now, null)).toBe(step);
    expect(await matchTotp(secret, await codeAt(step - 1), now, null)).toBe(step - 1);
    expect(await matchTotp(secret, await codeAt(step + 1), now, null)).toBe(step + 1);
    expect(await matchTotp(secret, await codeAt(step - 2), now, null)).toBeNull();
    expect(await matchTotp(secret, await codeAt(step + 2), now, null)).toBeNull();
  });
  it('never accepts a step at or before the last one used', async () => {
    expect(await matchTotp(secret, await codeAt(step), now, step)).toBeNull();
    expect(await matchTotp(secret, await codeAt(step - 1), now, step)).toBeNull();
    expect(await matchTotp(secret, await codeAt(step + 1), now, step)).toBe(step + 1);
  });
  it('refuses anything that is not six digits', async () => {
    expect(await matchTotp(secret, '12345', now, null)).toBeNull();
    expect(await matchTotp(secret, 'abcdef', now, null)).toBeNull();
  });
});

describe('recovery codes', () => {
  it('are 15 letters in three groups, typed with any case, spaces or dashes', () => {
    const code = newRecoveryCode();
    expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(normaliseRecoveryCode(` ${code.toUpperCase().replace(/-/g, ' ')} `)).toBe(code.replace(/-/g, ''));
    expect(normaliseRecoveryCode('123456')).toBeNull();
  });
});

describe('two-factor lockout', () => {
  const now = new Date('2026-11-22T19:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  it('lets two wrong codes pass, then doubles the wait, and closes the step after a day’s allowance', () => {
    expect(twoFactorBlockSeconds({ count: 2, newest: ago(1), firstExpiry: null }, now)).toBe(0);
    expect(twoFactorBlockSeconds({ count: 3, newest: ago(10), firstExpiry: null }, now)).toBe(20);
    expect(twoFactorBlockSeconds({ count: 4, newest: ago(10), firstExpiry: null }, now)).toBe(50);
    expect(twoFactorBlockSeconds({ count: 4, newest: ago(61), firstExpiry: null }, now)).toBe(0);
    expect(twoFactorBlockSeconds({ count: TOTP_FAILURES_PER_DAY, newest: ago(3600), firstExpiry: new Date(now.getTime() + 7200_000) }, now)).toBe(7200);
  });
});

describe('account restriction', () => {
  const now = new Date('2026-11-22T19:00:00Z');
  it('is a ban for good, a suspension until its date, then nothing', () => {
    expect(accountRestriction({ bannedAt: now, suspendedUntil: null }, now)).toEqual({ kind: 'banned', since: now });
    const until = new Date('2026-11-25T10:30:00Z');
    const r = accountRestriction({ bannedAt: null, suspendedUntil: until }, now);
    expect(r).toEqual({ kind: 'suspended', until });
    expect(restrictionMessage(r!)).toContain('suspended until 2026-11-25 10:30 UTC');
    expect(accountRestriction({ bannedAt: null, suspendedUntil: until }, new Date(until.getTime() + 1))).toBeNull();
    expect(accountRestriction({ bannedAt: null, suspendedUntil: null }, now)).toBeNull();
  });
});
