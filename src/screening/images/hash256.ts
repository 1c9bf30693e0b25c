/** 256-bit hashes as 64 hex digits <-> 8 big-endian 32-bit words (word 0 = hex digits 0..7). */

const HEX64 = /^[0-9a-fA-F]{64}$/;

export function isHash256Hex(s: string): boolean {
  return typeof s === 'string' && HEX64.test(s);
}

/** Write the 8 words of `hex` into `out` at `offset`. Throws TypeError on malformed input. */
export function hexToWords(hex: string, out: Uint32Array = new Uint32Array(8), offset = 0): Uint32Array {
  if (!isHash256Hex(hex)) throw new TypeError(`not a 256-bit hex hash: ${JSON.stringify(String(hex).slice(0, 80))}`);
  for (let i = 0; i < 8; i++) out[offset + i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16) >>> 0;
  return out;
}

export function wordsToHex(words: Uint32Array, offset = 0): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += words[offset + i].toString(16).padStart(8, '0');
  return s;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of differing bits between two 64-hex-digit hashes. Throws TypeError on malformed input. */
export function hammingDistance(a: string, b: string): number {
  const wa = hexToWords(a);
  const wb = hexToWords(b);
  let d = 0;
  for (let i = 0; i < 8; i++) d += popcount32(wa[i] ^ wb[i]);
  return d;
}
