import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createScreener, loadPolicy, parsePolicy, PolicyError, reviewPriority } from './index.ts';
import { evaluate } from './evaluate.ts';

const policy = loadPolicy();
const screen = (title: string, body: string, extra: object = {}) => createScreener({ policy }).screen({ id: 'x', title, body, ...extra });

describe('screener', () => {
  it.each([
    ['Licensed massage therapist', 'LMT, deep tissue and sports massage, insurance accepted.'],
    ['Fresh eggs', 'Farm fresh eggs, $5 a dozen.'],
    ['Movers', 'Our team of movers, two movers and a truck $120/hr.'],
    ['24/7 plumber', 'Emergency plumber 24/7, licensed and insured.'],
    ['Petite dresses', 'Petite dresses size 2P, $15 each.'],
    ['Roses for Valentine\'s Day', 'A dozen red roses $35, delivery on Feb 14.'],
    ['Roommate wanted', 'Young professional seeking a roommate, $900 a month.'],
    ['Hiking group', 'New in town, looking for a hiking group.'],
    ['Babysitter', 'Experienced babysitter, CPR certified.'],
    ['School uniforms', 'School uniform bundle, girls size 10.'],
    ['Funeral escort', 'Motorcycle escort for funerals and processions.'],
  ])('publishes the ordinary ad %j', (title, body) => {
    expect(screen(title, body).decision).toBe('publish');
  });

  it('rejects sexual services, shows evidence as written, does not echo it to the poster', () => {
    const d = screen('Sweet new girl', 'Inc@ll tonight, 150 r0ses hh. Call five5five o1 99 two1two.');
    expect(d.decision).toBe('reject');
    expect(d.labels).toContain('sexual_services');
    expect(d.reasons.some((r) => r.evidence.text === 'Inc@ll')).toBe(true);
    expect(d.obfuscation).toContain('leetspeak');
    expect(d.obfuscation).toContain('obscured_phone');
    expect(d.statementOfReasons).not.toMatch(/inc@ll|roses/i);
    expect(d.dsaCategory).toMatch(/^STATEMENT_CATEGORY_/);
  });

  it('escalates youth cues in a commercial-sex context as child safety', () => {
    const d = screen('Barely legal', 'Incall only, donations 200 hh.');
    expect(d.labels[0]).toBe('child_safety');
    expect(d.decision).toBe('reject');
    expect(d.escalate).toBe(true);
    expect(d.priority).toBe(0);
  });

  it('rejects and escalates a child-safety hash-bank match', () => {
    const s = createScreener({ policy, imageMatcher: { match: (h) => (h === 'ab'.repeat(32) ? [{ bank: 'ncmec', label: 'child_safety', action: 'reject', distance: 3 }] : []) } });
    const d = s.screen({ id: 'i', title: 'Bike', body: 'Kids bike, 20 inch, $40.', imageHashes: ['ab'.repeat(32)] });
    expect(d.decision).toBe('reject');
    expect(d.escalate).toBe(true);
    expect(d.labels).toEqual(['child_safety']);
  });

  it('links ads by phone across cities', () => {
    const s = createScreener({ policy });
    const body = (c: string) => `Incall in ${c}, generous gentlemen, text 713-555-0111.`;
    ['Houston', 'Dallas', 'Austin'].forEach((city, i) => s.screenAndRecord({ id: `a${i}`, title: 'New', body: body(city), city }));
    const d = s.screen({ id: 'a9', title: 'New', body: body('Denver'), city: 'Denver' });
    expect(d.linked.phone).toBe(3);
    expect(d.labels).toContain('trafficking');
  });

  it('groups a property manager\'s similar ads and keeps them publishable', () => {
    const s = createScreener({ policy });
    const ds = [1, 2, 3, 4, 5].map((n) =>
      s.screenAndRecord({ id: `p${n}`, title: `${n}BR for rent`, body: `Sunny ${n} bedroom apartment at ${n}0 Oak St, laundry on site, parking, $${1000 + n * 100}/month. Call Greenleaf Property at 614-555-0190.`, city: 'Columbus' }),
    );
    expect(ds.every((d) => d.decision === 'publish')).toBe(true);
    expect(new Set(ds.slice(1).map((d) => d.group)).size).toBe(1);
    expect(ds[4].groupSize).toBe(5);
  });

  it('orders review priority with child safety first', () => {
    expect(reviewPriority(['spam', 'child_safety'])).toBe(0);
    expect(reviewPriority(['scam', 'trafficking'])).toBe(1);
    expect(reviewPriority(['prohibited_goods'])).toBe(2);
    expect(reviewPriority(['spam'])).toBe(3);
    expect(reviewPriority([])).toBeNull();
  });

  it('survives adversarial input and returns a result', () => {
    const huge = [
      'a'.repeat(450_000) + '!',
      '🌹'.repeat(10_000),
      '\u200b\u202e\u2066'.repeat(50_000),
      'r o s e s '.repeat(20_000),
      '@'.repeat(50_000) + '.'.repeat(50_000),
      'x@'.repeat(40_000),
    ].join(' ');
    expect(huge.length).toBeGreaterThan(1_000_000);
    const d = screen('aaaa'.repeat(1000), huge);
    expect(['publish', 'review', 'reject']).toContain(d.decision);
  });
});

describe('policy loading', () => {
  it('reports path and message for invalid policies', () => {
    const bad = `version: 1\nthresholds: { default: { review: 0.5, reject: 0.8 } }\nlabels: {}\nsignals: {}\nrules:\n  - id: ok.rule\n    label: nonsense\n    weight: 2\n    patterns: [x]\n    reason: short\n    dsa_category: STATEMENT_CATEGORY_SCAMS_AND_FRAUD\n`;
    try {
      parsePolicy(bad, 'bad.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyError);
      const paths = (err as PolicyError).issues.map((i) => i.path);
      expect(paths).toContain('rules[0] (id: ok.rule).label');
      expect(paths).toContain('rules[0] (id: ok.rule).weight');
      expect((err as Error).message).toContain('bad.yaml');
    }
  });

  it('carries a version', () => {
    expect(policy.version).toBe('2025.1');
  });
});

describe('evaluation set', () => {
  it('meets the targets', () => {
    const r = evaluate(fileURLToPath(new URL('../../test/fixtures/screening/eval.jsonl', import.meta.url)), policy);
    expect(r.ads).toBeGreaterThanOrEqual(300);
    for (const label of ['trafficking', 'sexual_services', 'scam', 'prohibited_goods', 'spam'] as const) expect(r.perLabel[label].recall).toBeGreaterThanOrEqual(0.95);
    expect(r.perLabel.child_safety.recall).toBe(1);
    expect(r.benignFalsePositiveRate).toBeLessThanOrEqual(0.02);
    expect(r.groupF1.f1).toBeGreaterThanOrEqual(0.9);
  });
});
