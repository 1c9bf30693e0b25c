import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonical, normaliseText } from './index.ts';
import { flagNames } from './flags.ts';

const flagsOf = (text: string): string[] => flagNames(normaliseText(text).tokens.reduce((f, t) => f | t.formFlags[0], 0));

describe('normaliser', () => {
  it.each([
    ['R0$E$', 'roses', 'leetspeak'],
    ['r o s e s', 'roses', 'split_letters'],
    ['G.F.E', 'gfe', 'split_letters'],
    ['ｒｏｓｅｓ', 'roses', 'compatibility_characters'],
    ['𝐫𝐨𝐬𝐞𝐬', 'roses', 'compatibility_characters'],
    ['rоsеs', 'roses', 'confusables'],
    ['r\u200bo\u200bs\u200be\u200bs', 'roses', 'invisible_characters'],
    ['🌹', 'roses', 'emoji'],
  ])('reads %j as %j and records %s', (input, expected, flag) => {
    expect(canonical(input)).toBe(expected);
    expect(flagsOf(input)).toContain(flag);
  });

  it('offers collapsed readings of stretched letters', () => {
    const [tok] = normaliseText('sooooo').tokens;
    expect(tok.forms).toContain('so');
    expect(tok.forms).toContain('soo');
  });

  it('keeps offsets into the original text', () => {
    const text = 'Hi R0$E$ here';
    const tok = normaliseText(text).tokens[1];
    expect(text.slice(tok.start, tok.end)).toBe('R0$E$');
  });

  it('leaves plain ASCII words alone apart from case', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zA-Z]{2,10}$/), { maxLength: 20 }), (words) => {
        const clean = words.filter((w) => !/(.)\1\1/i.test(w));
        expect(normaliseText(clean.join(' ')).tokens.map((t) => t.raw)).toEqual(clean.map((w) => w.toLowerCase()));
      }),
    );
  });

  it('never throws and bounds its output on any Unicode input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const n = normaliseText(s);
        expect(n.stream.text.length).toBeLessThanOrEqual(s.length * 12 + 1);
        for (const t of n.tokens) expect(t.end).toBeLessThanOrEqual(s.length);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  // The property that matters for screening: however a word is disguised, it reads as the word.
  const WORDS = ['roses', 'donation', 'gift', 'cards', 'transfer', 'deposit', 'overseas', 'shipping', 'courier', 'passport'];
  const LOOKALIKES: Record<string, string[]> = { a: ['а', 'α'], e: ['е'], o: ['о', 'ο'], c: ['с'], p: ['р'], i: ['і'], s: ['ѕ'] };
  const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060'];
  const disguise = fc.record({
    word: fc.constantFrom(...WORDS),
    lookalike: fc.boolean(),
    fullwidth: fc.boolean(),
    split: fc.constantFrom(null, ' ', '.', '-', '*', ...ZERO_WIDTH),
    upper: fc.boolean(),
  });
  it('reads a disguised word as the word itself', () => {
    fc.assert(
      fc.property(disguise, fc.nat(), (d, seed) => {
        let letters = [...d.word];
        if (d.lookalike) {
          const at = letters.findIndex((ch, i) => i >= seed % letters.length && LOOKALIKES[ch]);
          if (at >= 0) letters[at] = LOOKALIKES[letters[at]!]![seed % LOOKALIKES[letters[at]!]!.length]!;
        }
        if (d.upper) letters = letters.map((ch) => ch.toUpperCase());
        if (d.fullwidth) letters = letters.map((ch) => (/[a-zA-Z]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch));
        const text = `call about ${letters.join(d.split ?? '')} today`;
        expect(canonical(text)).toBe(`call about ${d.word} today`);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});

describe('normaliser: Unicode-wide evasion', () => {
  it.each([
    ['Cherokee and Lisu look-alikes', 'ᎪᏴᏟ ꓲ', 'abc l'],
    ['Greek look-alikes', 'cαsh οnly', 'cash only'],
    ['word joiner inside a word', 'ca\u2060sh', 'cash'],
    ['soft hyphen inside a word', 'ca\u00adsh', 'cash'],
    ['Mongolian vowel separator and interlinear anchors', 'ca\u180esh\ufff9', 'cash'],
    ['thin and ideographic spaces between words', 'cash\u2009only\u3000today', 'cash only today'],
    ['no-break space between words', 'cash\u00a0only', 'cash only'],
    ['circled digits', '①②③', '123'],
    ['mathematical sans-serif bold', '𝗰𝗮𝘀𝗵', 'cash'],
  ])('%s: %j reads as %j', (_name, input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  it('leaves genuine Greek text alone', () => {
    expect(canonical('καλημέρα σας')).toBe('καλημερα σας');
  });
});
