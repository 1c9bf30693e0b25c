/**
 * TOTP (RFC 6238) for staff two-factor sign-in: 6 digits, 30-second steps, one step of clock drift
 * either way, and never the same step twice. The secret is kept encrypted (AES-256-GCM under a key
 * derived from the site key, bound to the account id), so a copy of the `users` table alone does
 * not yield working codes. Recovery codes are random, shown once, and stored as hashes.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { hashSecret } from './secrets.ts';

export const TOTP_PERIOD_SECONDS = 30;
/** One step of drift either way: a code from the previous or the next 30 seconds still counts. */
export const TOTP_DRIFT_STEPS = 1;
export const TOTP_ISSUER = 'Corkboard';
export const RECOVERY_CODE_COUNT = 10;

const VERSION = 'v1';

/** The key that encrypts TOTP secrets: HKDF-SHA256 of the site key, for this purpose only. */
export function totpKeyFrom(siteKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', siteKey, Buffer.alloc(0), 'corkboard totp secret v1', 32));
}

/** `v1:` + base64url(iv | tag | ciphertext); the account id is authenticated data, so a secret moved to another row fails. */
export function encryptTotpSecret(key: Buffer, userId: number, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`user:${userId}`));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function decryptTotpSecret(key: Buffer, userId: number, stored: string): string {
  const [version, data] = stored.split(':');
  if (version !== VERSION || !data) throw new Error('unknown TOTP secret format');
  const raw = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(`user:${userId}`));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** A new base32 secret of 160 bits (what authenticator apps expect). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret, period: TOTP_PERIOD_SECONDS, digits: 6 });
}

/** The secret in groups of four, for typing into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step a 6-digit code belongs to, if it is valid within the drift window at `now` and
 * newer than `lastStep` (replay protection); otherwise null.
 */
export async function matchTotp(secret: string, code: string, now: Date, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOTP_DRIFT_STEPS * TOTP_PERIOD_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  // The matched period's start (result.epoch) gives the step for either strategy's result type.
  return result.valid && 'epoch' in result ? Math.floor(result.epoch / TOTP_PERIOD_SECONDS) : null;
}

// --- recovery codes ------------------------------------------------------------------------------

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i

/** `xxxxx-xxxxx-xxxxx`: 15 characters of a 31-letter alphabet, about 74 bits. */
export function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < 15; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5, 10)}-${s.slice(10)}`;
}

/** What a person typed, reduced to the code's letters: case, spaces and dashes do not matter. */
export function normaliseRecoveryCode(typed: string): string | null {
  const s = typed.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z0-9]{15}$/.test(s) ? s : null;
}

export function hashRecoveryCode(userId: number, normalised: string): string {
  return hashSecret(`totp-recovery:${userId}:${normalised}`);
}
