/**
 * Speed and memory of screening with the semantic model, on one core. Run:
 *   npx tsx bench/screening-model.bench.ts
 * - model load: the packaged sentence encoder and the trained model file;
 * - one ad at a time, including its embedding (what posting an ad costs): median and p99;
 * - throughput with ads embedded together (the encoder takes them 8 at a time, as `corkboard screen` does);
 * - `corkboard screen` over 1,000 ads, as a child process (wall time);
 * - resident memory added by the encoder and model.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScreener, loadPolicy, type ScreeningInput } from '../src/screening/index.ts';
import { packagedEmbedder } from '../src/screening/semantic/embedder.ts';
import { loadSemanticModel } from '../src/screening/semantic/load.ts';
import { semanticText } from '../src/screening/semantic/text.ts';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const corpusFile = fileURLToPath(new URL('../test/fixtures/screening/corpus/b1.jsonl', import.meta.url));
const lines = readFileSync(corpusFile, 'utf8').split('\n').filter(Boolean);
const ads: ScreeningInput[] = lines.map((l) => JSON.parse(l) as ScreeningInput);

const rssBefore = process.memoryUsage().rss;
let t = performance.now();
const embedder = await packagedEmbedder();
const model = loadSemanticModel();
const loadMs = performance.now() - t;
if (!model) throw new Error('no trained model: run corkboard screening train');
await embedder.embed(['warm up the encoder']);
const rssAfter = process.memoryUsage().rss;

const screener = createScreener({ policy: loadPolicy(), model });
const single: number[] = [];
for (let i = 0; i < 300; i++) {
  const ad = ads[i % ads.length]!;
  t = performance.now();
  const [embedding] = await embedder.embed([semanticText(ad)]);
  screener.screenAndRecord({ ...ad, id: `${ad.id}-${i}`, embedding });
  single.push(performance.now() - t);
}
t = performance.now();
const batchAds = ads.slice(0, 320);
const vectors = await embedder.embed(batchAds.map((a) => semanticText(a)));
batchAds.forEach((ad, i) => screener.screen({ ...ad, embedding: vectors[i] }));
const batchRate = batchAds.length / ((performance.now() - t) / 1000);

const dir = mkdtempSync(join(tmpdir(), 'screen-bench-'));
const file = join(dir, 'ads.jsonl');
writeFileSync(file, Array.from({ length: 1000 }, (_x, i) => lines[i % lines.length]!.replace(/"id":"([^"]+)"/, `"id":"$1-${i}"`)).join('\n') + '\n');
t = performance.now();
execFileSync(process.execPath, [fileURLToPath(new URL('../bin/corkboard.mjs', import.meta.url)), 'screen', file], { maxBuffer: 64 * 1024 * 1024 });
const cliSeconds = (performance.now() - t) / 1000;

const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(`model ${model.version}: load ${ms(loadMs)}; resident memory +${((rssAfter - rssBefore) / 1048576).toFixed(0)} MB`);
console.log(`one ad at a time incl. embedding (${single.length} ads): median ${ms(pct(single, 50))}, p99 ${ms(pct(single, 99))}, ${(1000 / (single.reduce((a, b) => a + b, 0) / single.length)).toFixed(0)} ads/s`);
console.log(`embedded together (8 per encoder call): ${batchRate.toFixed(0)} ads/s`);
console.log(`corkboard screen, 1,000 ads: ${cliSeconds.toFixed(1)} s wall`);
