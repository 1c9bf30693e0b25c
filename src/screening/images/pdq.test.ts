import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hammingDistance } from './hash256.ts';
import { dctToHash, jaroszWindowSize, pdqDihedralFromRGB, pdqHashFromRGB, type PdqDihedralHashes } from './pdq.ts';

/** Smooth pseudo-random RGB image (sum of a few low-frequency waves). */
function syntheticRGB(width: number, height: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const waves = Array.from({ length: 6 }, () => [rnd() * 8, rnd() * 8, rnd() * 6.28, rnd() * 60]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 128;
      for (const [fx, fy, ph, amp] of waves) v += amp * Math.sin((fx * x) / width * 6.28 + (fy * y) / height * 6.28 + ph);
      const p = (y * width + x) * 3;
      rgb[p] = Math.max(0, Math.min(255, v));
      rgb[p + 1] = Math.max(0, Math.min(255, v * 0.8 + 20));
      rgb[p + 2] = Math.max(0, Math.min(255, 255 - v));
    }
  }
  return rgb;
}

/** Apply a pixel-domain transform to an N x N RGB image: out(r, c) = in(src(r, c)). */
function transform(rgb: Uint8Array, n: number, src: (r: number, c: number) => [number, number]): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const [sr, sc] = src(r, c);
      out.set(rgb.subarray((sr * n + sc) * 3, (sr * n + sc) * 3 + 3), (r * n + c) * 3);
    }
  }
  return out;
}

describe('pdq core', () => {
  it('window size is ceil(dim / 128) as in the reference', () => {
    expect(jaroszWindowSize(64)).toBe(1);
    expect(jaroszWindowSize(128)).toBe(1);
    expect(jaroszWindowSize(129)).toBe(2);
    expect(jaroszWindowSize(512)).toBe(4);
    expect(jaroszWindowSize(1004)).toBe(8);
  });

  it('bit order: bit i*16+j lives in word i, words printed from 15 down to 0', () => {
    const dct = new Float32Array(256);
    dct[0] = 10; // bit 0 -> last hex digit
    dct[255] = 10; // bit 255 -> first hex digit
    for (let k = 1; k < 255; k++) dct[k] = k < 128 ? -1 : k === 254 ? 5 : -2;
    const hash = dctToHash(dct);
    expect(hash.startsWith('c')).toBe(true); // bits 255 and 254
    expect(hash.endsWith('1')).toBe(true);
  });

  it('images smaller than 5 px hash to zero with quality 0 (reference behaviour)', () => {
    const r = pdqHashFromRGB(new Uint8Array(4 * 4 * 3).fill(200), 4, 4);
    expect(r).toEqual({ hash: '0'.repeat(64), quality: 0 });
  });

  it('a flat image has quality 0 and a deterministic hash', () => {
    const a = pdqHashFromRGB(new Uint8Array(100 * 80 * 3).fill(77), 100, 80);
    expect(a.quality).toBe(0);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('textured images get high quality; hashes are stable under small noise', () => {
    const rgb = syntheticRGB(300, 200, 42);
    const a = pdqHashFromRGB(rgb, 300, 200);
    expect(a.quality).toBeGreaterThanOrEqual(50);
    const noisy = rgb.map((v, i) => Math.max(0, Math.min(255, v + ((i * 7919) % 5) - 2)));
    expect(hammingDistance(a.hash, pdqHashFromRGB(noisy, 300, 200).hash)).toBeLessThanOrEqual(10);
    const other = pdqHashFromRGB(syntheticRGB(300, 200, 7), 300, 200);
    expect(hammingDistance(a.hash, other.hash)).toBeGreaterThan(31);
  });

  it('dihedral original equals the plain hash', () => {
    const rgb = syntheticRGB(257, 130, 3);
    expect(pdqDihedralFromRGB(rgb, 257, 130).hashes.original).toBe(pdqHashFromRGB(rgb, 257, 130).hash);
  });

  it('DCT-domain dihedral variants equal hashes of transformed pixels exactly on 64x64 input', () => {
    // 64x64 skips blur/decimation, so the only difference is the DCT symmetry: must be exact.
    const n = 64;
    const m = n - 1;
    // rotate90 is counter-clockwise (matches the reference's bridge-2-rotate-90.jpg).
    const cases: Record<keyof PdqDihedralHashes, (r: number, c: number) => [number, number]> = {
      original: (r, c) => [r, c],
      rotate90: (r, c) => [c, m - r],
      rotate180: (r, c) => [m - r, m - c],
      rotate270: (r, c) => [m - c, r],
      flipX: (r, c) => [m - r, c],
      flipY: (r, c) => [r, m - c],
      flipPlus1: (r, c) => [c, r],
      flipMinus1: (r, c) => [m - c, m - r],
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const rgb = syntheticRGB(n, n, seed);
        const { hashes } = pdqDihedralFromRGB(rgb, n, n);
        for (const [key, src] of Object.entries(cases) as Array<[keyof PdqDihedralHashes, typeof cases.original]>) {
          const direct = pdqHashFromRGB(transform(rgb, n, src), n, n).hash;
          expect(hashes[key], key).toBe(direct);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('rejects short pixel buffers and bad dimensions', () => {
    expect(() => pdqHashFromRGB(new Uint8Array(10), 10, 10)).toThrow(RangeError);
    expect(() => pdqHashFromRGB(new Uint8Array(10), 0, 10)).toThrow(RangeError);
  });
});
