/**
 * Figures that judge the screener on a labelled batch, in the terms the targets are written in:
 * recall of harmful ads (anything not published counts as caught), per label "caught with the right
 * label" (by each ad's primary label, the most urgent one it carries), the share of ordinary ads
 * flagged, the right label on caught ads, and pairwise F1 of template groups. Pure: decisions in,
 * figures out, so the CLI's own output (`corkboard screen`) can be scored the same way.
 */
import { LABELS, type Label } from '../types.ts';

export interface LabelledAd {
  id: string;
  title: string;
  body: string;
  expected: { labels: Label[]; group: string | null; kind?: string };
}

export interface ScoredDecision {
  id: string;
  decision: string;
  labels: string[];
  group: string | null;
}

/** Most urgent first: an ad's primary label is the first of these it carries. */
export const URGENCY: readonly Label[] = ['child_safety', 'trafficking', 'sexual_services', 'prohibited_goods', 'scam', 'spam'];

export function primaryLabel(labels: readonly Label[]): Label | null {
  return URGENCY.find((l) => labels.includes(l)) ?? null;
}

export interface LabelFigures {
  ads: number;
  caught: number;
  caughtRightLabel: number;
}

export interface BatchFigures {
  ads: number;
  harmful: number;
  caught: number;
  recall: number;
  rightLabelOfCaught: number;
  benign: number;
  benignFlagged: number;
  benignFlaggedRate: number;
  perLabel: Record<Label, LabelFigures>;
  groups: { precision: number; recall: number; f1: number };
  misses: { id: string; want: Label[]; got: string[]; decision: string; title: string; kind?: string }[];
}

export function scoreBatch(ads: readonly LabelledAd[], decisions: ReadonlyMap<string, ScoredDecision>): BatchFigures {
  const perLabel = Object.fromEntries(LABELS.map((l) => [l, { ads: 0, caught: 0, caughtRightLabel: 0 }])) as Record<Label, LabelFigures>;
  let harmful = 0;
  let caught = 0;
  let rightLabel = 0;
  let benign = 0;
  let benignFlagged = 0;
  const misses: BatchFigures['misses'] = [];
  for (const ad of ads) {
    const d = decisions.get(ad.id);
    const decision = d?.decision ?? 'missing';
    const got = d?.labels ?? [];
    const flagged = decision !== 'publish';
    const primary = primaryLabel(ad.expected.labels);
    const miss = () => misses.push({ id: ad.id, want: ad.expected.labels, got, decision, title: ad.title, kind: ad.expected.kind });
    if (primary === null) {
      benign++;
      if (flagged) {
        benignFlagged++;
        miss();
      }
      continue;
    }
    harmful++;
    const figures = perLabel[primary];
    figures.ads++;
    if (flagged) {
      caught++;
      figures.caught++;
      if (got.includes(primary)) {
        rightLabel++;
        figures.caughtRightLabel++;
      } else miss();
    } else miss();
  }
  return {
    ads: ads.length,
    harmful,
    caught,
    recall: harmful === 0 ? 1 : caught / harmful,
    rightLabelOfCaught: caught === 0 ? 1 : rightLabel / caught,
    benign,
    benignFlagged,
    benignFlaggedRate: benign === 0 ? 0 : benignFlagged / benign,
    perLabel,
    groups: pairwiseGroups(ads, decisions),
    misses,
  };
}

function pairwiseGroups(ads: readonly LabelledAd[], decisions: ReadonlyMap<string, ScoredDecision>) {
  return pairwiseF1(
    ads.map((a) => a.expected.group),
    ads.map((a) => decisions.get(a.id)?.group ?? `solo-${a.id}`),
  );
}

/**
 * Pairwise precision, recall and F1 of a grouping: a pair is positive when both items carry the same
 * expected group (null: none), predicted when both have the same predicted group.
 */
export function pairwiseF1(expected: readonly (string | null)[], predicted: readonly string[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < expected.length; i++) {
    for (let j = i + 1; j < expected.length; j++) {
      const truth = expected[i] !== null && expected[i] === expected[j];
      const pred = predicted[i] === predicted[j];
      if (truth && pred) tp++;
      else if (pred) fp++;
      else if (truth) fn++;
    }
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** One batch's figures as Markdown table cells: harmful caught, per label, ordinary flagged, right label, group F1. */
export function figuresRow(name: string, f: BatchFigures, opts: { groups?: boolean } = {}): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const cell = (l: Label) => {
    const s = f.perLabel[l];
    return s.ads === 0 ? '–' : `${s.caughtRightLabel}/${s.ads}`;
  };
  return `| ${name} | ${f.ads} | ${f.caught}/${f.harmful} (${pct(f.recall)}) | ${URGENCY.map(cell).join(' | ')} | ${f.benignFlagged}/${f.benign} (${pct(f.benignFlaggedRate)}) | ${pct(f.rightLabelOfCaught)} | ${opts.groups === false ? '–' : f.groups.f1.toFixed(2)} |`;
}

export const FIGURES_HEADER = `| batch | ads | harmful caught | ${URGENCY.join(' | ')} | ordinary flagged | right label of caught | group F1 |\n|${'---|'.repeat(6 + URGENCY.length)}`;
