/**
 * Evaluation of the screener on a labelled JSON Lines file: per-label precision/recall, the benign
 * false-positive rate and pairwise F1 of template groups. Used by bench/screening-eval.ts and a test.
 */
import { readFileSync } from 'node:fs';
import { createScreener } from './screener.ts';
import type { Policy } from './policy/compile.ts';
import { LABELS, type Label } from './types.ts';
import { pairwiseF1 } from './evaluation/metrics.ts';

interface EvalLine {
  id: string;
  title: string;
  body: string;
  category?: string;
  city?: string;
  price?: number | null;
  contact?: { phone?: string; email?: string };
  poster?: string;
  posted_at?: string;
  expected: { labels: Label[]; group: string | null };
}

export interface EvalReport {
  ads: number;
  perLabel: Record<Label, { tp: number; fp: number; fn: number; precision: number; recall: number }>;
  benign: number;
  benignFlagged: number;
  benignFalsePositiveRate: number;
  groupF1: { precision: number; recall: number; f1: number };
  misses: string[];
}

export function evaluate(path: string, policy: Policy): EvalReport {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as EvalLine);
  const screener = createScreener({ policy });
  const perLabel = Object.fromEntries(LABELS.map((l) => [l, { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1 }])) as EvalReport['perLabel'];
  let benign = 0;
  let benignFlagged = 0;
  const misses: string[] = [];
  for (const line of lines) {
    const d = screener.screenAndRecord({ ...line, postedAt: line.posted_at ? new Date(line.posted_at) : undefined });
    const got = new Set(d.labels);
    const want = new Set(line.expected.labels);
    for (const l of LABELS) {
      if (got.has(l) && want.has(l)) perLabel[l].tp++;
      else if (got.has(l)) perLabel[l].fp++;
      else if (want.has(l)) perLabel[l].fn++;
    }
    if (want.size === 0) {
      benign++;
      if (d.decision !== 'publish') benignFlagged++;
    }
    if ([...want].some((l) => !got.has(l)) || (want.size === 0 && d.decision !== 'publish') || [...got].some((l) => !want.has(l))) {
      misses.push(`${line.id} want=[${[...want]}] got=[${[...got]}] ${d.decision} ${line.title}`);
    }
  }
  for (const l of LABELS) {
    const s = perLabel[l];
    s.precision = s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
    s.recall = s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn);
  }
  const predicted = lines.map((l) => screener.templates.getGroup(l.id) ?? `solo-${l.id}`);
  const groupF1 = pairwiseF1(
    lines.map((l) => l.expected.group),
    predicted,
  );
  return {
    ads: lines.length,
    perLabel,
    benign,
    benignFlagged,
    benignFalsePositiveRate: benign === 0 ? 0 : benignFlagged / benign,
    groupF1,
    misses,
  };
}
