/**
 * Posting with the semantic model on (the site's default; other test apps turn it off): the verdict records the model's version, the
 * moderator's reasons name what the model raised, and wording no rule lists is still caught.
 * Texts are clinical indicator phrases. PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedSemantic } from '../src/listings/engine-screener.ts';
import { DEFAULT_MODEL_PATH } from '../src/screening/semantic/load.ts';
import type { TestApp } from './helpers/test-app.ts';
import { createTestApp } from './helpers/test-app.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

const semantic = shippedSemantic();
let t: TestApp;
let n = 0;

beforeAll(async () => {
  t = await createTestApp({ env: { SCREENING_MODEL: DEFAULT_MODEL_PATH } });
});
afterAll(async () => t?.close());

type Stored = { decision: string; labels: string[]; reasons: { rule: string }[]; details: { modelVersion: string | null } };

async function post(fields: Record<string, string>) {
  n++;
  const ad = await postAdDirect(t, { ...bookcase, ...fields, email: `model-${n}@example.com` }, { ip: `203.0.113.${n}` });
  const row = (await t.ctx.ads.findById(ad.id))!;
  return { state: row.state, screening: row.screening as Stored };
}

describe.skipIf(!semantic)('screening with the semantic model', () => {
  it('publishes an ordinary ad and records which model judged it', async () => {
    const { state, screening } = await post({});
    expect(state).toBe('published');
    expect(screening.details.modelVersion).toBe(semantic!.model.version);
  });

  it('keeps a job ad whose employer holds the workers\u2019 passports and takes the travel debt from wages off the site', async () => {
    const { state, screening } = await post({
      title: 'Farm packers wanted, start Monday',
      body: 'Packing shed work, 6 days. Flight and visa cost paid by us then taken from your wages each week. We keep passports in the office for safekeeping until the season ends. Room on the farm, do not need English.',
      category: 'general-labour',
      price: '',
      f_employmentType: 'temporary',
    });
    expect(state).not.toBe('published');
    expect(screening.labels).toContain('trafficking');
    expect(screening.reasons.some((r) => r.rule.startsWith('model.') || r.rule.startsWith('family.'))).toBe(true);
    expect(screening.details.modelVersion).toBe(semantic!.model.version);
  });
});
