import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hammingDistance, ImageHashError, pdqDihedral, pdqHash, sha256Hex } from './index.ts';

function crc32(buf: Uint8Array): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid-looking PNG that declares width x height RGB pixels but carries almost no data. */
function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function expectCode(p: Promise<unknown>, code: ImageHashError['code']): Promise<void> {
  const started = performance.now();
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageHashError);
  expect((err as ImageHashError).code).toBe(code);
  expect(performance.now() - started).toBeLessThan(2000);
}

describe('pdqHash input handling', () => {
  it('a text file is unsupported_image', async () => {
    await expectCode(pdqHash(Buffer.from('This is not an image, just some text.\n')), 'unsupported_image');
  });

  it('an empty buffer is unsupported_image', async () => {
    await expectCode(pdqHash(Buffer.alloc(0)), 'unsupported_image');
  });

  it('SVG (vector, rendered by librsvg) is refused as unsupported_image', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="50" height="50"/></svg>');
    await expectCode(pdqHash(svg), 'unsupported_image');
  });

  it('a truncated JPEG is corrupt_image', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg()
      .toBuffer();
    await expectCode(pdqHash(jpeg.subarray(0, Math.floor(jpeg.length / 2))), 'corrupt_image');
    await expectCode(pdqHash(jpeg.subarray(0, 200)), 'corrupt_image');
  });

  it('a corrupt PNG (bad IDAT) is corrupt_image', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const broken = Buffer.from(png);
    for (let i = 60; i < broken.length - 20; i++) broken[i] ^= 0x5a;
    await expectCode(pdqHash(broken), 'corrupt_image');
  });

  it('a PNG declaring 100000x100000 pixels is image_too_large, quickly', async () => {
    await expectCode(pdqHash(bombPng(100_000, 100_000)), 'image_too_large');
    await expectCode(pdqDihedral(bombPng(100_000, 100_000)), 'image_too_large');
  });

  it('the pixel limit is configurable', async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } }).png().toBuffer();
    await expectCode(pdqHash(png, { maxPixels: 200 * 200 }), 'image_too_large');
    await expect(pdqHash(png)).resolves.toMatchObject({ quality: 0 });
  });

  it('non-buffer input is rejected with a typed error', async () => {
    await expectCode(pdqHash('hello' as unknown as Buffer), 'unsupported_image');
  });
});

describe('pdqHash decoding', () => {
  it('hashes grey, RGBA and 16-bit images like their RGB equivalents', async () => {
    const base = sharp({ create: { width: 200, height: 150, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } });
    const rgbPng = await base.clone().blur(3).png().toBuffer();
    const ref = await pdqHash(rgbPng);
    expect(ref.quality).toBeGreaterThan(0);
    const rgba = await sharp(rgbPng).ensureAlpha(0.5).png().toBuffer();
    expect((await pdqHash(rgba)).hash).toBe(ref.hash);
    const png16 = await sharp(rgbPng).png().toColourspace('rgb16').toBuffer();
    expect((await pdqHash(png16)).hash).toBe(ref.hash);
    const grey = await sharp(rgbPng).greyscale().png().toBuffer();
    const greyHash = await pdqHash(grey);
    expect(greyHash.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores EXIF orientation (pixels as stored, like the reference)', async () => {
    const raw = Buffer.alloc(120 * 80 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
    const input = { raw: { width: 120, height: 80, channels: 3 as const } };
    const plain = await sharp(raw, input).blur(2).jpeg({ quality: 95 }).toBuffer();
    const tagged = await sharp(raw, input).blur(2).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(tagged).metadata()).orientation).toBe(6);
    expect((await pdqHash(tagged)).hash).toBe((await pdqHash(plain)).hash);
  });

  it('downscales large images to at most 512 px before hashing', async () => {
    const [w, h] = [2000, 1000];
    const raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = 128 + 60 * Math.sin(x / 97) * Math.cos(y / 61) + 50 * Math.sin((x + 2 * y) / 173);
        raw.fill(Math.max(0, Math.min(255, Math.round(v))), (y * w + x) * 3, (y * w + x) * 3 + 3);
      }
    }
    const big = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer();
    const r = await pdqHash(big);
    const unscaled = await pdqHash(big, { maxDimension: 0 });
    expect(r.quality).toBeGreaterThanOrEqual(50);
    // Pre-resizing to 512 px changes only a few bits relative to filtering the full image.
    expect(hammingDistance(r.hash, unscaled.hash)).toBeLessThanOrEqual(16);
  });
});

describe('sha256Hex', () => {
  it('matches the known digest', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.alloc(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
