/**
 * The final batch of the screening corpus (written by its own writer, never trained or tuned on),
 * screened by `corkboard screen` exactly as an outside evaluator runs it. Fails when any label
 * catches fewer of its ads, or more ordinary ads are flagged, than docs/screening.md reports: the
 * documented figures are a floor that a change of model, policy or normaliser must not go below.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shippedSemantic } from '../src/listings/engine-screener.ts';
import { scoreBatch, URGENCY, type LabelledAd, type ScoredDecision } from '../src/screening/evaluation/metrics.ts';
import { LABELS } from '../src/screening/types.ts';

const root = new URL('../', import.meta.url);
const finalBatch = fileURLToPath(new URL('test/fixtures/screening/corpus/final.jsonl', root));
const docs = readFileSync(new URL('docs/screening.md', root), 'utf8');
/** The row `| final (first seen by <model>) | …` of the final-batch table in docs/screening.md. */
const documented = /^\| final \(first seen[^|]*\|([^\n]+)$/m.exec(docs);

describe.skipIf(!shippedSemantic())('the final corpus batch through corkboard screen', () => {
  it('catches at least the documented share of every label and flags no more ordinary ads', () => {
    expect(documented, 'docs/screening.md has the final batch row').not.toBeNull();
    const cells = documented![1]!.split('|').map((c) => c.trim());
    // ads | harmful caught | six labels (URGENCY order, as scoreBatch's table) | ordinary flagged | …
    const labelCells = cells.slice(2, 8);
    const ordinary = /^(\d+)\//.exec(cells[8]!)![1]!;
    const out = execFileSync(process.execPath, [fileURLToPath(new URL('bin/corkboard.mjs', root)), 'screen', finalBatch], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const decisions = new Map<string, ScoredDecision>(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ScoredDecision)
        .map((d) => [d.id, d]),
    );
    const ads = readFileSync(finalBatch, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as LabelledAd);
    const f = scoreBatch(ads, decisions);
    expect(new Set(URGENCY)).toEqual(new Set(LABELS));
    URGENCY.forEach((label, i) => {
      const floor = Number(/^(\d+)\//.exec(labelCells[i]!)![1]);
      expect(f.perLabel[label].caughtRightLabel, `${label} caught with the right label`).toBeGreaterThanOrEqual(floor);
    });
    expect(f.benignFlagged, 'ordinary ads flagged').toBeLessThanOrEqual(Number(ordinary));
  }, 180_000);
});
