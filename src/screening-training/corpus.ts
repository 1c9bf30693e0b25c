/**
 * The shipped screening corpus: labelled ads in independent batches (JSON Lines, one file a
 * batch, each written by a different writer to its own brief). `final.jsonl` is the batch nothing
 * is trained or tuned on; loaders leave it out unless asked for it by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelledAd } from '../screening/evaluation/metrics.ts';
import type { ScreeningInput } from '../screening/types.ts';

export const CORPUS_DIR = fileURLToPath(new URL('../../test/fixtures/screening/corpus/', import.meta.url));
export const FINAL_BATCH = 'final';

export type CorpusAd = LabelledAd & Omit<ScreeningInput, 'postedAt'> & { posted_at?: string };

export interface Batch {
  name: string;
  ads: CorpusAd[];
}

export function readBatch(file: string): Batch {
  const ads = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as CorpusAd;
      } catch (err) {
        throw new Error(`${file} line ${i + 1}: ${(err as Error).message}`, { cause: err });
      }
    });
  return { name: basename(file, '.jsonl'), ads };
}

export interface ManifestEntry {
  name: string;
  role: 'train' | 'final';
  /** Who wrote it, to what brief: batches must come from different writers. */
  writer: string;
  /** Figures of the engine at `engine` on this batch before anything was trained or tuned on it. */
  firstSeen: { engine: string; recall: number; benignFlaggedRate: number; perLabel: Record<string, string> } | null;
}

/**
 * manifest.json lists the batches; a batch is used for training only once its first-seen figures
 * are recorded there, so no batch can be learned from before it has been measured unseen.
 */
export function readManifest(dir = CORPUS_DIR): ManifestEntry[] {
  return (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { batches: ManifestEntry[] }).batches;
}

/** The training batches: every batch of the manifest with role `train` and first-seen figures recorded. */
export function trainingBatches(dir = CORPUS_DIR): Batch[] {
  const present = new Set(readdirSync(dir));
  return readManifest(dir)
    .filter((b) => b.role === 'train' && b.firstSeen !== null && b.name !== FINAL_BATCH && present.has(`${b.name}.jsonl`))
    .map((b) => readBatch(join(dir, `${b.name}.jsonl`)));
}

export function toScreeningInput(ad: CorpusAd): ScreeningInput {
  const postedAt = ad.posted_at ? new Date(ad.posted_at) : undefined;
  return { ...ad, postedAt: postedAt && !Number.isNaN(postedAt.getTime()) ? postedAt : undefined };
}
