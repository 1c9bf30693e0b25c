import { describe, expect, it } from 'vitest';
import { createRandom, weightedPicker } from './random.ts';

describe('createRandom', () => {
  it('repeats the same stream for the same seed and differs across seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
  });

  it('stays in range and looks uniform', () => {
    const random = createRandom(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const n = random.int(0, 3);
      counts[n]++;
    }
    for (const count of counts) expect(count).toBeGreaterThan(9_500);
    for (let i = 0; i < 1000; i++) expect(random.next()).toBeLessThan(1);
  });
});

describe('weightedPicker', () => {
  it('picks in proportion to the weights and never picks a zero weight', () => {
    const pick = weightedPicker([1, 0, 3]);
    const random = createRandom(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[pick(random)]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.7);
    expect(counts[2] / counts[0]).toBeLessThan(3.3);
  });
});
