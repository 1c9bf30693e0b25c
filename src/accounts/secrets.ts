/**
 * Random secrets for sessions, one-time links and API tokens. Only their SHA-256 hash is stored:
 * a copy of the database does not let anyone sign in. (The secrets are 256-bit random values, so a
 * fast hash is enough; passwords, which people choose, get argon2id in passwords.ts.)
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A six-digit code for SMS, hashed with the account id so equal codes of two accounts differ. */
export function newPhoneCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function hashPhoneCode(userId: number, code: string): string {
  return hashSecret(`phone:${userId}:${code}`);
}
