import { createHash } from 'node:crypto';

/** Lowercase hex SHA-256 of the exact bytes (for exact-match banks and evidence records). */
export function sha256Hex(buf: Uint8Array | string): string {
  return createHash('sha256').update(buf).digest('hex');
}
