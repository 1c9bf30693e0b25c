/**
 * Scores labelled batches exactly as an outside evaluator would: each file goes through
 * `corkboard screen` (the CLI, in a child process) and its output lines are scored against the
 * batch's expected labels and groups (src/screening/evaluation/metrics.ts).
 *
 *   npx tsx bench/screening-corpus.ts [--misses] [--json] test/fixtures/screening/corpus/b1.jsonl …
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIGURES_HEADER, figuresRow, scoreBatch, type LabelledAd, type ScoredDecision } from '../src/screening/evaluation/metrics.ts';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
const cli = fileURLToPath(new URL('../bin/corkboard.mjs', import.meta.url));

console.log(FIGURES_HEADER);
const details: string[] = [];
for (const file of files) {
  const ads = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledAd);
  const started = performance.now();
  const out = execFileSync(process.execPath, [cli, 'screen', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  const decisions = new Map<string, ScoredDecision>();
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as ScoredDecision & { error?: unknown; line?: number };
    if (d.error) details.push(`${basename(file)} line ${d.line}: ${JSON.stringify(d.error)}`);
    else decisions.set(String(d.id), d);
  }
  const figures = scoreBatch(ads, decisions);
  console.log(figuresRow(basename(file, '.jsonl'), figures));
  details.push(`${basename(file)}: ${ads.length} ads screened by the CLI in ${seconds.toFixed(1)} s`);
  if (args.includes('--misses')) {
    for (const m of figures.misses) details.push(`  ${m.id} want=[${m.want}] got=[${m.got}] ${m.decision} ${m.kind ?? ''} :: ${m.title}`);
  }
  if (args.includes('--json')) details.push(JSON.stringify({ file: basename(file), ...figures, misses: undefined }));
}
for (const d of details) console.log(d);
