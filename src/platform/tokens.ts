import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe secret with 192 bits of entropy, for confirmation and private edit links. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Secrets are stored only as hashes; SHA-256 suffices because the secrets are random, not passwords. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
