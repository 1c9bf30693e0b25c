/**
 * PDQ benchmarks. Run: npx tsx bench/pdq.bench.ts
 *  1. pdqHash of a 12-megapixel (4000x3000) JPEG, end to end (decode + shrink + hash).
 *  2. HashBankIndex.match against 1,000,000 random hashes (distance <= 31), misses and hits.
 */
import os from 'node:os';
import sharp from 'sharp';
import { Bench } from 'tinybench';
import { HashBankIndex, pdqHash, pdqHashFromRGB } from '../src/screening/images/index.ts';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0);
}

async function make12MpJpeg(blurSigma = 0): Promise<Buffer> {
  const [w, h] = [4000, 3000];
  const raw = Buffer.alloc(w * h * 3);
  const next = rng(7);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      const base = 100 + 60 * Math.sin(x / 211) * Math.cos(y / 157) + 40 * Math.sin((x + y) / 389);
      const noise = (next() & 31) - 16;
      raw[p] = Math.max(0, Math.min(255, base + noise));
      raw[p + 1] = Math.max(0, Math.min(255, (x * 255) / w + noise));
      raw[p + 2] = Math.max(0, Math.min(255, (y * 255) / h - noise));
    }
  }
  const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  return (blurSigma > 0 ? img.blur(blurSigma) : img).jpeg({ quality: 90 }).toBuffer();
}

function report(name: string, samplesMs: number[]): { median: number; p99: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  const median = percentile(s, 50);
  const p99 = percentile(s, 99);
  console.log(`${name}: n=${s.length} median=${median.toFixed(3)} ms p99=${p99.toFixed(3)} ms max=${s[s.length - 1].toFixed(3)} ms`);
  return { median, p99 };
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), sharp concurrency ${sharp.concurrency()}`);

  // ---- 1. PDQ of a 12 MP photo ----
  // "noisy": per-pixel noise, a worst case for JPEG entropy decoding (size of a busy phone photo);
  // "smooth": the same scene blurred (sigma 1.5), a typical compressed size.
  const jpeg = await make12MpJpeg();
  const smooth = await make12MpJpeg(1.5);
  console.log(`12 MP JPEGs: 4000x3000, noisy ${(jpeg.length / 1e6).toFixed(2)} MB, smooth ${(smooth.length / 1e6).toFixed(2)} MB`);
  const full = await pdqHash(jpeg);
  const unscaled = await pdqHash(jpeg, { maxDimension: 0 });
  console.log(`hash ${full.hash} quality ${full.quality}; without the 512 px pre-resize: quality ${unscaled.quality}`);

  const rgb512 = await sharp(jpeg).resize(512, 512, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  const bench = new Bench({ time: 4000, warmupTime: 500 });
  bench
    .add('pdqHash 12MP noisy JPEG (decode+shrink+hash)', async () => {
      await pdqHash(jpeg);
    })
    .add('pdqHash 12MP smooth JPEG (decode+shrink+hash)', async () => {
      await pdqHash(smooth);
    })
    .add('sharp decode+shrink only, 12MP noisy JPEG', async () => {
      await sharp(jpeg).resize(512, 512, { fit: 'inside', kernel: 'cubic' }).raw().toBuffer();
    })
    .add('pdqHashFromRGB 512x384 (hash only)', () => {
      pdqHashFromRGB(rgb512.data, rgb512.info.width, rgb512.info.height);
    });
  await bench.run();
  for (const task of bench.tasks) {
    const lat = (task.result as { latency?: { p50?: number; p99?: number; samplesCount?: number } } | undefined)?.latency;
    console.log(`[tinybench] ${task.name}: n=${lat?.samplesCount} median=${lat?.p50?.toFixed(3)} ms p99=${lat?.p99?.toFixed(3)} ms`);
  }
  // Plain sequential loop as a cross-check (no harness overhead).
  for (const [name, buf] of [['noisy', jpeg], ['smooth', smooth]] as const) {
    const loop: number[] = [];
    for (let i = 0; i < 60; i++) {
      const s = performance.now();
      await pdqHash(buf);
      loop.push(performance.now() - s);
    }
    report(`[loop] pdqHash 12MP ${name} JPEG`, loop);
  }

  // ---- 2. Index lookup against 1,000,000 hashes ----
  const N = 1_000_000;
  const next = rng(12345);
  const hex = (): string => {
    let s = '';
    for (let i = 0; i < 8; i++) s += next().toString(16).padStart(8, '0');
    return s;
  };
  const hashes: string[] = new Array(N);
  for (let i = 0; i < N; i++) hashes[i] = hex();
  const heapBefore = process.memoryUsage();
  const index = new HashBankIndex();
  let t = performance.now();
  index.add({ name: 'bench', label: 'bench', action: 'reject' }, hashes);
  const addMs = performance.now() - t;
  t = performance.now();
  index.build();
  const buildMs = performance.now() - t;
  const heapAfter = process.memoryUsage();
  console.log(
    `index: ${index.size} hashes, add ${addMs.toFixed(0)} ms, build ${buildMs.toFixed(0)} ms, ` +
      `arrayBuffers +${((heapAfter.arrayBuffers - heapBefore.arrayBuffers) / 1e6).toFixed(0)} MB`,
  );

  // Queries: random misses, and hits planted at 10..31 bits from a stored hash.
  const flip = (h: string, k: number): string => {
    const nib = h.split('').map((c) => parseInt(c, 16));
    const used = new Set<number>();
    while (used.size < k) used.add(next() % 256);
    for (const b of used) nib[b >> 2] ^= 8 >> (b & 3);
    return nib.map((v) => v.toString(16)).join('');
  };
  const misses = Array.from({ length: 2000 }, hex);
  const hits = Array.from({ length: 2000 }, (_, i) => flip(hashes[(i * 7919) % N], 10 + (i % 22)));
  for (let i = 0; i < 200; i++) index.match(misses[i]); // warm-up
  const timeQueries = (qs: string[]): { samples: number[]; found: number } => {
    const samples: number[] = [];
    let found = 0;
    for (const q of qs) {
      const s = performance.now();
      found += index.match(q).length;
      samples.push(performance.now() - s);
    }
    return { samples, found };
  };
  const m = timeQueries(misses);
  report(`match() 1M hashes, random query (miss), found=${m.found}`, m.samples);
  const h = timeQueries(hits);
  report(`match() 1M hashes, planted neighbour 10-31 bits, found=${h.found}`, h.samples);

  const brute: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    index.matchBruteForce(misses[i]);
    brute.push(performance.now() - s);
  }
  report('matchBruteForce() 1M hashes (for comparison)', brute);
}

await main();
