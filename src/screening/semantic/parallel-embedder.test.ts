import { describe, expect, it } from 'vitest';
import { packagedEmbedder } from './embedder.ts';
import { parallelEmbedder } from './parallel-embedder.ts';

describe('the encoder on several threads', () => {
  it('gives the in-process encoder\u2019s vectors, in order, for more texts than one call takes', async () => {
    const texts = Array.from({ length: 19 }, (_x, i) => (i === 7 ? '' : `Bike number ${i} for sale, good tyres, pick up only`));
    const parallel = await parallelEmbedder(2);
    try {
      const [got, want] = await Promise.all([parallel.embed(texts), (await packagedEmbedder()).embed(texts)]);
      expect(got).toHaveLength(texts.length);
      got.forEach((v, i) => {
        expect(v).toHaveLength(512);
        for (let k = 0; k < 512; k += 64) expect(v[k]).toBeCloseTo(want[i]![k]!, 5);
      });
    } finally {
      await parallel.close();
    }
  }, 60_000);
});
