/**
 * Turns labelled batches into training samples: each batch is screened in order by a fresh
 * screener (as `corkboard screen` does with one file, so template groups and contact links form
 * within the batch), collecting the model's inputs for every ad along with its expected labels.
 */
import { createScreener, type Policy } from '../screening/index.ts';
import type { AdFeatures } from '../screening/semantic/features.ts';
import { semanticText } from '../screening/semantic/text.ts';
import type { Sample } from '../screening/semantic/train.ts';
import { toScreeningInput, type Batch } from './corpus.ts';

export function batchTexts(batches: readonly Batch[]): string[] {
  return batches.flatMap((b) => b.ads.map((ad) => semanticText(ad)));
}

/** `embeddings` is parallel to `batchTexts(batches)`. */
export function samplesOf(batches: readonly Batch[], embeddings: readonly Float32Array[], policy: Policy): Sample[] {
  const samples: Sample[] = [];
  let k = 0;
  for (const batch of batches) {
    let features: AdFeatures | null = null;
    const screener = createScreener({ policy, featureSink: (_ad, f) => (features = f) });
    for (const ad of batch.ads) {
      screener.screenAndRecord({ ...toScreeningInput(ad), embedding: embeddings[k++] });
      samples.push({ features: features!, labels: ad.expected.labels, fold: batch.name });
    }
  }
  return samples;
}
