import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hammingDistance } from './hash256.ts';
import { HashBankIndex, HashBankParseError, parseHashBankFile, type HashBankMeta } from './hashbank.ts';

const META: HashBankMeta = { name: 'ncmec-test', label: 'csam', action: 'reject' };
const H1 = 'd8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22';
const H2 = '38a50efd71c83f429013d68d0ffffc52e34e0e15ada952a9d29684214aa9e5af';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0);
}

function randomHash(next: () => number): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += next().toString(16).padStart(8, '0');
  return s;
}

/** Flip `k` distinct random bits of a hex hash. */
function flipBits(hex: string, k: number, next: () => number): string {
  const bits = hex.split('').flatMap((c) => parseInt(c, 16).toString(2).padStart(4, '0').split(''));
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(next() % 256);
  for (const b of chosen) bits[b] = bits[b] === '1' ? '0' : '1';
  let out = '';
  for (let i = 0; i < 256; i += 4) out += parseInt(bits.slice(i, i + 4).join(''), 2).toString(16);
  return out;
}

describe('parseHashBankFile', () => {
  it('reads hashes, comments, blank lines, CRLF, optional quality (space or comma)', () => {
    const text = `\uFEFF# exported 2026-01-01\r\n\r\n${H1.toUpperCase()} 100\r\n  ${H2},87  # trailing comment\n\n${H1}\n`;
    const bank = parseHashBankFile(text, META);
    expect(bank.name).toBe('ncmec-test');
    expect(bank.entries).toEqual([
      { hash: H1, quality: 100, line: 3 },
      { hash: H2, quality: 87, line: 4 },
    ]);
    expect(bank.duplicates).toBe(1);
  });

  it.each([
    ['short hash', `${H1}\nabc123\n`, 2, /6 hex digits, expected 64/],
    ['non-hex', `# c\n${H1.slice(0, 63)}z\n`, 2, /non-hex/],
    ['bad quality', `${H1}\n${H2} 101\n`, 2, /quality must be an integer 0\.\.100/],
    ['negative quality', `\n\n\n${H2} -5`, 4, /quality/],
    ['too many columns', `${H1} 90 extra`, 1, /3 columns/],
  ])('%s -> HashBankParseError with the line number', (_name, text, line, message) => {
    let err: unknown;
    try {
      parseHashBankFile(text, META);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HashBankParseError);
    expect((err as HashBankParseError).line).toBe(line);
    expect((err as Error).message).toMatch(new RegExp(`^line ${line}: `));
    expect((err as Error).message).toMatch(message);
  });

  it('validates the bank metadata', () => {
    expect(() => parseHashBankFile(H1, { ...META, name: '' })).toThrow(TypeError);
    expect(() => parseHashBankFile(H1, { ...META, action: 'delete' as 'reject' })).toThrow(TypeError);
  });
});

describe('hammingDistance', () => {
  it('counts differing bits and rejects malformed hashes', () => {
    expect(hammingDistance(H1, H1)).toBe(0);
    expect(hammingDistance('0'.repeat(64), 'f'.repeat(64))).toBe(256);
    expect(hammingDistance('0'.repeat(64), '0'.repeat(63) + '7')).toBe(3);
    expect(() => hammingDistance(H1, 'xyz')).toThrow(TypeError);
  });
});

describe('HashBankIndex', () => {
  it('matches across banks with label/action, nearest first, and honours quality', () => {
    const index = new HashBankIndex();
    const next = rng(1);
    expect(index.add(META, [H1, H2])).toEqual({ added: 2, skippedLowQuality: 0 });
    const review: HashBankMeta = { name: 'scam-photos', label: 'stock-photo-scam', action: 'review' };
    const near = flipBits(H1, 20, next);
    expect(index.add(review, [{ hash: near }, { hash: randomHash(next), quality: 30 }])).toEqual({ added: 1, skippedLowQuality: 1 });
    expect(index.size).toBe(3);

    const query = flipBits(H1, 5, next);
    const matches = index.match(query);
    expect(matches[0]).toEqual({ bank: 'ncmec-test', label: 'csam', action: 'reject', hash: H1, distance: 5 });
    expect(matches.map((m) => m.bank)).toContain('scam-photos');
    expect(matches.every((m, i) => i === 0 || matches[i - 1].distance <= m.distance)).toBe(true);
    expect(index.match(randomHash(next))).toEqual([]);

    expect(index.matchImage({ hash: query, quality: 49 })).toEqual([]);
    expect(index.matchImage({ hash: query, quality: 50 }).length).toBe(matches.length);
    expect(() => index.add({ ...review, action: 'reject' }, [H1])).toThrow(/different label or action/);
    expect(() => index.add(META, ['nothex'])).toThrow(TypeError);
    expect(index.size).toBe(3);
    expect(() => index.match('nothex')).toThrow(TypeError);
  });

  it('adds a parsed bank file', () => {
    const index = new HashBankIndex();
    const bank = parseHashBankFile(`${H1} 100\n${H2} 10\n`, META);
    expect(index.addBank(bank)).toEqual({ added: 1, skippedLowQuality: 1 });
    expect(index.match(H1)[0].distance).toBe(0);
  });

  it('MIH lookup equals brute force on random data with planted near neighbours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 0, max: 70 }), (seed, maxDistance) => {
        const next = rng(seed);
        // tailLimit 64 so both the built index and the unindexed tail are exercised.
        const index = new HashBankIndex({ tailLimit: 64 });
        const queries: string[] = [];
        const hashes: string[] = [];
        for (let i = 0; i < 20; i++) {
          const q = randomHash(next);
          queries.push(q);
          // neighbours at every distance around the threshold, including the pigeonhole edge
          for (const k of [0, 1, 15, 16, 17, 30, 31, 32, 33, 40, 47, 48, 63, 64]) hashes.push(flipBits(q, k, next));
        }
        for (let i = 0; i < 1500; i++) hashes.push(randomHash(next));
        index.add(META, hashes.slice(0, 1000));
        index.build();
        index.add({ name: 'b2', label: 'l2', action: 'review' }, hashes.slice(1000));
        for (const q of queries) {
          const fast = index.match(q, maxDistance);
          const slow = index.matchBruteForce(q, maxDistance);
          expect(fast).toEqual(slow);
          expect(slow.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('MIH with the default threshold finds every planted neighbour within 31 bits and none beyond', () => {
    const next = rng(99);
    const index = new HashBankIndex();
    const q = randomHash(next);
    const planted = Array.from({ length: 40 }, (_, k) => flipBits(q, k, next));
    index.add(META, [...planted, ...Array.from({ length: 20000 }, () => randomHash(next))]);
    const got = index.match(q);
    expect(got.map((m) => m.distance)).toEqual(Array.from({ length: 32 }, (_, k) => k));
  });
});
