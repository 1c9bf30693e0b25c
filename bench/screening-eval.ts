/** Prints evaluation figures for the default policy. Run: npx tsx bench/screening-eval.ts [file] */
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '../src/screening/index.ts';
import { evaluate } from '../src/screening/evaluate.ts';

const file = process.argv[2] ?? fileURLToPath(new URL('../test/fixtures/screening/eval.jsonl', import.meta.url));
const r = evaluate(file, loadPolicy());
console.log(`ads: ${r.ads}, benign: ${r.benign}`);
console.log('label             precision  recall   tp  fp  fn');
for (const [label, s] of Object.entries(r.perLabel)) {
  console.log(`${label.padEnd(18)}${s.precision.toFixed(3).padStart(9)}${s.recall.toFixed(3).padStart(8)}${String(s.tp).padStart(5)}${String(s.fp).padStart(4)}${String(s.fn).padStart(4)}`);
}
console.log(`benign false positives: ${r.benignFlagged}/${r.benign} = ${(r.benignFalsePositiveRate * 100).toFixed(2)}%`);
console.log(`template groups pairwise: precision ${r.groupF1.precision.toFixed(3)} recall ${r.groupF1.recall.toFixed(3)} F1 ${r.groupF1.f1.toFixed(3)}`);
if (process.argv.includes('--misses')) for (const m of r.misses) console.log('  ' + m);
