/**
 * `corkboard screening train [--out FILE] [--budget X]`: trains the semantic model from the shipped
 * corpus (every batch but the final one, plus the team's own evaluation set), reports each batch's
 * figures as scored by a model that never saw it, and writes the model file (by default
 * policy/model/semantic.json, which the site and `corkboard screen` load).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '../screening/index.ts';
import { FIGURES_HEADER, figuresRow, scoreBatch, type ScoredDecision } from '../screening/evaluation/metrics.ts';
import { packagedEmbedder } from '../screening/semantic/embedder.ts';
import { DEFAULT_MODEL_PATH } from '../screening/semantic/load.ts';
import { serialiseModel } from '../screening/semantic/model.ts';
import { raiseLabels } from '../screening/semantic/judge.ts';
import { metaNames } from '../screening/semantic/features.ts';
import { defaultFamilies } from '../screening/families/families.ts';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from '../screening/semantic/train.ts';
import { LABELS, type Label } from '../screening/types.ts';
import { readBatch, trainingBatches, type Batch } from '../screening-training/corpus.ts';
import { embedCached } from '../screening-training/embedding-cache.ts';
import { batchTexts, samplesOf } from '../screening-training/training-set.ts';
import { progress } from './progress.ts';

const TEAM_SET = fileURLToPath(new URL('../../test/fixtures/screening/eval.jsonl', import.meta.url));
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/corkboard/embeddings.tsv', import.meta.url));

export async function screening(args: string[]): Promise<number> {
  if (args[0] !== 'train') {
    process.stderr.write('usage: corkboard screening train [--out FILE]\n');
    return 2;
  }
  const outArg = args.find((a) => a.startsWith('--out='));
  const out = outArg ? outArg.slice('--out='.length) : DEFAULT_MODEL_PATH;
  const batches: Batch[] = [...trainingBatches(), { ...readBatch(TEAM_SET), name: 'team' }];
  const texts = batchTexts(batches);
  const embedding = progress('embedding ads', texts.length);
  const vectors = await embedCached(texts, packagedEmbedder, CACHE, (n) => embedding.tick(n));
  embedding.done();
  const samples = samplesOf(batches, vectors, loadPolicy());
  const steps = progress('training', batches.length + LABELS.length);
  const { model, probabilities } = trainModel(samples, metaNames(defaultFamilies()), DEFAULT_TRAIN_OPTIONS, () => steps.tick());
  steps.done();

  // Each batch scored by the model trained without it: the figures an unseen writer's ads get.
  const lines = [FIGURES_HEADER];
  const summary: Record<string, unknown> = { batches: {} as Record<string, unknown>, ads: samples.length };
  let k = 0;
  for (const batch of batches) {
    const decisions = new Map<string, ScoredDecision>();
    for (const ad of batch.ads) {
      const { scores, raised: labels } = raiseLabels(model, probabilities[k++]!);
      const reject = labels.includes('child_safety') || labels.some((l) => scores[l] >= model.labels[l].thresholds.reject);
      decisions.set(ad.id, { id: ad.id, decision: labels.length === 0 ? 'publish' : reject ? 'reject' : 'review', labels, group: null });
    }
    const f = scoreBatch(batch.ads, decisions);
    lines.push(figuresRow(batch.name, f, { groups: false })); // no template store here: group F1 is the CLI's
    (summary.batches as Record<string, unknown>)[batch.name] = { ads: f.ads, recall: f.recall, benignFlaggedRate: f.benignFlaggedRate, rightLabel: f.rightLabelOfCaught, perLabel: f.perLabel };
  }
  summary.thresholds = { ...Object.fromEntries(LABELS.map((l): [Label, unknown] => [l, model.labels[l].thresholds])), harm: model.harm.thresholds };
  const body = serialiseModel({ ...model, summary });
  const version = `sem-${model.trainedAt.slice(0, 10)}-${createHash('sha256').update(body).digest('hex').slice(0, 8)}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, serialiseModel({ ...model, version, summary }));
  process.stdout.write(`${lines.join('\n')}\n\n(group F1 needs the template store: run bench/screening-corpus.ts for it)\nwrote ${version} to ${join(out)}\n`);
  return 0;
}
