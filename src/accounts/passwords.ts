/**
 * Password hashing with argon2id at @node-rs/argon2's defaults, which are OWASP's recommended
 * minimum (19 MiB memory, 2 passes, 1 lane). The PHC string stores its parameters, so raising the
 * cost later only affects new hashes; `needsRehash` tells when a stored hash is below the current cost.
 */
import { hash, parseOptions, verify } from '@node-rs/argon2';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for e-mail addresses with no account (or no
 * password): the response time does not tell whether an address is registered.
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hash('corkboard-dummy-password');
  await verifyPassword(await dummy, password);
}

export function needsRehash(stored: string): boolean {
  try {
    const o = parseOptions(stored);
    return o.memoryCost < 19456 || o.timeCost < 2;
  } catch {
    return true;
  }
}
