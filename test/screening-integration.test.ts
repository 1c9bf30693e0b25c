/**
 * The screening engine in the posting path, with its stores persisted in the database (PGlite by
 * default, PostgreSQL with TEST_DATABASE_URL). Test texts are short clinical indicator phrases from
 * policy/default.yaml; the images are generated block patterns.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineScreener } from '../src/listings/engine-screener.ts';
import type { ScreeningVerdict } from '../src/listings/screening-hook.ts';
import { parseHashBankFile, pdqHash } from '../src/screening/images/index.ts';
import { HashBankStore } from '../src/screening-store/hash-banks.ts';
import { rescan } from '../src/screening-store/rescan.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { bookcase, patternImage, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let banks: HashBankStore;
let ipCounter = 10;

beforeAll(async () => {
  // These tests pin the policy's rules in the posting path (phrases, hash banks, rescans), so they run
  // without the semantic model; test/screening-model.test.ts covers posting with the model.
  t = await createTestApp({ env: { SCREENING_MODEL: 'off' } });
  banks = new HashBankStore(t.ctx.database, 0);
});
afterAll(async () => t?.close());

interface Posted {
  id: number;
  managePath: string;
}

async function postAndConfirm(fields: Record<string, string> & { email: string }, photos: Buffer[] = []): Promise<Posted> {
  const uploads = photos.map((data, i) => ({ filename: `p${i}.png`, data }));
  const { id, managePath } = await postAdDirect(t, { ...bookcase, ...fields }, { ip: `192.0.2.${ipCounter++}`, photos: uploads });
  return { id, managePath };
}

async function adRow(id: number) {
  const [row] = await t.ctx.database.query<{ state: string; state_reason: string | null; screening: ScreeningVerdict }>(
    'select state, state_reason, screening from ads where id = $1',
    [id],
  );
  return row!;
}

describe('screening in the posting path', () => {
  it('publishes an ordinary ad', async () => {
    const ad = await postAndConfirm({ email: 'ordinary@example.com' });
    const row = await adRow(ad.id);
    expect(row.state).toBe('published');
    expect(row.screening.decision).toBe('publish');
    expect(row.screening.labels).toEqual([]);
  });

  it('rejects a sexual-services indicator ad with a readable statement that does not quote the matched words', async () => {
    const ad = await postAndConfirm({ email: 'ss@example.com', category: 'beauty-wellness', title: 'Incall and outcall', body: 'Full service, GFE. Text only please.', price: '' });
    const row = await adRow(ad.id);
    expect(row.state).toBe('rejected');
    expect(row.screening.labels).toContain('sexual_services');
    expect(row.screening.details?.dsaCategory).toBeTruthy();
    const statement = row.screening.statement;
    expect(statement).toMatch(/not published/);
    expect(statement).toMatch(/sexual services/);
    for (const word of ['incall', 'outcall', 'gfe', 'full service']) expect(statement.toLowerCase()).not.toContain(word);
    expect(row.state_reason).toBe(statement);
    expect(t.mailer.lastTo('ss@example.com')!.subject).toContain('not published');
  });

  it('holds a scam indicator ad for review, with its reason on the manage page', async () => {
    const ad = await postAndConfirm({ email: 'scam@example.com', title: 'Leather sofa for sale', body: 'Good leather sofa. Western union only, I am currently abroad.' });
    const row = await adRow(ad.id);
    expect(row.state).toBe('held');
    expect(row.screening.decision).toBe('review');
    expect(row.screening.labels).toEqual(['scam']);
    expect(row.screening.reasons.map((r) => r.rule)).toContain('sc.wire-transfer');
    const page = await t.app.inject({ url: ad.managePath });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Waiting for review');
    expect(page.body).toContain('held for a check by our moderators');
    expect(page.body).toContain('fraud');
  });

  it('links ads in several cities through the same phone (linked counts kept with the ad)', async () => {
    const phone = '+1 312 555 0147';
    const cities = ['chicago', 'milwaukee', 'detroit'];
    const ids: number[] = [];
    for (const [i, city] of cities.entries()) {
      const ad = await postAndConfirm({ email: `mover${i}@example.com`, city, category: 'furniture', title: `Moving sale ${city}: desk and lamp`, body: 'Desk and lamp, call to arrange pick up.', contact_mode: 'phone', phone });
      ids.push(ad.id);
    }
    const last = await adRow(ids[2]!);
    expect(last.state).toBe('published');
    expect((last.screening.details?.linked as Record<string, number>).phone).toBe(2);
    const first = await adRow(ids[0]!);
    expect((first.screening.details?.linked as Record<string, number>).phone ?? 0).toBe(0);
    const links = await t.ctx.database.query<{ n: number; cities: number }>(
      `select count(*)::int as n, count(distinct city)::int as cities from screening_entity_links where kind = 'phone' and value = '+13125550147'`,
    );
    expect(links[0]).toEqual({ n: 3, cities: 3 });
  });

  it('groups five similar apartment ads of one property manager and publishes them all', async () => {
    const streets = ['Elm', 'Oak', 'Maple', 'Cedar', 'Birch'];
    const ids: number[] = [];
    for (const [i, street] of streets.entries()) {
      const ad = await postAndConfirm({
        email: 'lettings@example.com',
        category: 'apartments-for-rent',
        title: `${i + 1} bedroom apartment on ${street} Street`,
        body: `Bright ${i + 1} bedroom apartment on ${street} Street, unit ${100 + i}. Hardwood floors, in-unit laundry, heat included. Twelve month lease, no pets. Contact our leasing office to schedule a viewing.`,
        price: String(1400 + i * 150),
        contact_mode: 'phone',
        phone: '+1 312 555 0199',
      });
      ids.push(ad.id);
    }
    const rows = await Promise.all(ids.map(adRow));
    for (const r of rows) expect(r.state).toBe('published');
    const groups = new Set(rows.slice(1).map((r) => r.screening.group));
    expect(groups.size).toBe(1);
    expect([...groups][0]).toBe(`tpl-${ids[0]}`);
    expect(rows[4]!.screening.details?.groupSize).toBe(5);
    const stored = await t.ctx.database.query<{ n: number }>(`select count(distinct group_id)::int as n from screening_templates where ad_id = any($1::bigint[])`, [ids]);
    expect(stored[0]!.n).toBe(1);
  });

  it('rejects and escalates a photo whose PDQ hash is in a child_safety bank', async () => {
    const image = await patternImage(7);
    const { hash, quality } = await pdqHash(image);
    expect(quality).toBeGreaterThanOrEqual(50);
    await banks.importBank(parseHashBankFile(`${hash}\n`, { name: 'test-cs-bank', label: 'child_safety', action: 'reject' }));
    const ad = await postAndConfirm({ email: 'photo@example.com', title: 'Framed print', body: 'Framed abstract print, 40 by 40 cm.' }, [image]);
    const row = await adRow(ad.id);
    expect(row.state).toBe('rejected');
    expect(row.screening.labels).toContain('child_safety');
    expect(row.screening.details?.escalate).toBe(true);
    expect(row.screening.reasons.some((r) => r.rule === 'image.test-cs-bank')).toBe(true);
    const [photo] = await t.ctx.database.query<{ pdq: string | null }>('select pdq from ad_photos where ad_id = $1', [ad.id]);
    expect(photo!.pdq).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rescan holds a published ad after a new bank makes it match, and a second run resumes', async () => {
    const image = await patternImage(99);
    const ad = await postAndConfirm({ email: 'later@example.com', title: 'Garden bench', body: 'Teak garden bench, seats three.' }, [image]);
    expect((await adRow(ad.id)).state).toBe('published');

    const screener = new EngineScreener({ database: t.ctx.database, record: false, banks, semantic: null });
    // Nothing changed since the ads were screened: a first run finds nothing to hold.
    const baseline = await rescan(t.ctx.database, screener, { batchSize: 100 });
    expect(baseline.finished).toBe(true);
    expect(baseline.held).toBe(0);

    const { hash } = await pdqHash(image);
    const dir = mkdtempSync(path.join(tmpdir(), 'bank-'));
    writeFileSync(path.join(dir, 'bank.txt'), `# test bank\n${hash}\n`);
    await banks.importBank(parseHashBankFile(readFileSync(path.join(dir, 'bank.txt'), 'utf8'), { name: 'test-goods', label: 'prohibited_goods', action: 'review' }));
    rmSync(dir, { recursive: true, force: true });

    const [{ live }] = (await t.ctx.database.query<{ live: number }>(`select count(*)::int as live from ads where state in ('published', 'held')`)) as [{ live: number }];
    const first = await rescan(t.ctx.database, screener, { batchSize: 3, maxBatches: 1 });
    expect(first.resumed).toBe(false);
    expect(first.finished).toBe(false);
    expect(first.scanned).toBe(3);
    const second = await rescan(t.ctx.database, screener, { batchSize: 3 });
    expect(second.resumed).toBe(true);
    expect(second.runId).toBe(first.runId);
    expect(second.fromCursor).toBe(first.cursor);
    expect(second.finished).toBe(true);
    expect(second.scanned).toBe(live - 3);
    expect(second.runScanned).toBe(live);
    expect(second.runHeld).toBe(1);

    const row = await adRow(ad.id);
    expect(row.state).toBe('held');
    expect(row.screening.reasons.some((r) => r.rule === 'image.test-goods')).toBe(true);
    expect(row.state_reason).toBe(row.screening.statement);
    const events = await t.ctx.database.query<{ kind: string }>(`select kind from ad_events where ad_id = $1 order by id`, [ad.id]);
    expect(events.map((e) => e.kind)).toContain('rescan_held');

    // Held ads stay held; a run under unchanged rules does nothing.
    const again = await rescan(t.ctx.database, screener, { batchSize: 3 });
    expect(again.alreadyDone).toBe(true);
    expect(again.scanned).toBe(0);
  });
});
