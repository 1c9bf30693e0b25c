/**
 * Screening speed. Run: npx tsx bench/screening.bench.ts  (CORPUS=1000000 for a bigger template corpus)
 * Text screening: each eval-set ad screened against a store already holding the whole set.
 * Template lookup: findTemplate against CORPUS synthetic signatures in the in-memory store.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { createScreener, loadPolicy, normaliseText, type ScreeningInput } from '../src/screening/index.ts';
import { InMemoryTemplateStore } from '../src/screening/templates/template-store.ts';
import { findTemplate, recordTemplate } from '../src/screening/templates/grouper.ts';
import { templateWords } from '../src/screening/templates/minhash.ts';

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;

const evalFile = fileURLToPath(new URL('../test/fixtures/screening/eval.jsonl', import.meta.url));
const ads: ScreeningInput[] = readFileSync(evalFile, 'utf8').split('\n').filter(Boolean).map((l) => {
  const j = JSON.parse(l);
  return { ...j, postedAt: new Date(j.posted_at) };
});
const screener = createScreener({ policy: loadPolicy() });
for (const ad of ads) screener.screenAndRecord(ad);

// Text screening latency distribution (warm), then single-core throughput.
for (let i = 0; i < 2000; i++) screener.screen(ads[i % ads.length]);
const lat: number[] = [];
for (let i = 0; i < 20_000; i++) {
  const t = performance.now();
  screener.screen(ads[i % ads.length]);
  lat.push(performance.now() - t);
}
const t0 = performance.now();
let n = 0;
while (performance.now() - t0 < 3000) screener.screen(ads[n++ % ads.length]);
const perSec = n / ((performance.now() - t0) / 1000);
console.log(`text screening: ${ads.length} distinct ads, ${lat.length} runs, median ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}, ${Math.round(perSec)} ads/s`);

// Template corpus of synthetic ads: 40 words drawn from a 5,000-word vocabulary, so buckets are realistic.
const CORPUS = Number(process.env.CORPUS ?? 100_000);
const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
let seed = 7;
const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const store = new InMemoryTemplateStore();
const tb = performance.now();
for (let i = 0; i < CORPUS; i++) {
  const words = Array.from({ length: 40 }, () => vocab[Math.floor(rnd() * vocab.length)]);
  recordTemplate(store, `s${i}`, findTemplate(store, `s${i}`, words));
}
console.log(`template corpus: ${CORPUS} signatures built in ${((performance.now() - tb) / 1000).toFixed(1)} s, heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB`);
const queries = ads.map((a) => templateWords(normaliseText(`${a.title} ${a.body}`).tokens));
const tl: number[] = [];
for (let i = 0; i < 20_000; i++) {
  const t = performance.now();
  findTemplate(store, `q${i}`, queries[i % queries.length]);
  tl.push(performance.now() - t);
}
console.log(`template lookup vs ${CORPUS}: median ${fmt(pct(tl, 50))}, p99 ${fmt(pct(tl, 99))}`);

const bench = new Bench({ time: 1000 });
bench.add('screen one ad (text, warm stores)', () => {
  screener.screen(ads[n++ % ads.length]);
});
bench.add(`template lookup (corpus ${CORPUS})`, () => {
  findTemplate(store, 'q', queries[n++ % queries.length]);
});
await bench.run();
console.table(bench.table());
