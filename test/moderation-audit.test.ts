/**
 * The tamper-evident audit log on PGlite and (with TEST_DATABASE_URL) PostgreSQL: appends chain,
 * concurrent appends stay linear, and `audit verify` finds an altered, a deleted and a truncated entry.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, canonicalJson, entryHash, GENESIS_HASH } from '../src/audit/audit-log.ts';
import { runVerify } from '../src/cli/audit.ts';
import type { Database } from '../src/db/client.ts';
import { openTestDatabase } from './helpers/test-database.ts';
import { quietPoolShutdown } from './moderation-helpers.ts';

let database: Database & { drop(): Promise<void> };
let log: AuditLog;

beforeAll(async () => {
  database = await openTestDatabase();
  quietPoolShutdown(database);
  await database.migrate();
  log = new AuditLog(database.db);
});
afterAll(async () => database?.drop());
beforeEach(async () => {
  await database.query('delete from audit_log');
  await database.query('delete from audit_chain_head');
});

async function verifyOutput(batch = 1000) {
  const lines: string[] = [];
  const code = await runVerify(log, batch, (l) => lines.push(l));
  return { code, text: lines.join('\n') };
}

async function appendSome(n: number) {
  for (let i = 0; i < n; i++) {
    await log.append({ actor: i % 2 ? 'system' : 'user:7', action: 'ad.removed', subjectType: 'ad', subjectId: 100 + i, details: { reason: 'scam', n: i, nested: { b: 1, a: [1, 'x'] } } });
  }
}

describe('audit log', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('chains entries: each prev_hash is the previous hash, and the hash covers the contents', async () => {
    await appendSome(3);
    const rows = await database.query<{ seq: number; prev_hash: string; hash: string }>('select seq, prev_hash, hash from audit_log order by seq');
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[2]!.prev_hash).toBe(rows[1]!.hash);
    const [first] = await log.entriesFor('ad', 100);
    expect(entryHash(first!)).toBe(first!.hash);
    expect(await verifyOutput()).toEqual({ code: 0, text: expect.stringMatching(/^3 entries, chain intact/) });
  });

  it('reports an empty log as intact', async () => {
    expect((await verifyOutput()).text).toMatch(/^0 entries, chain intact/);
  });

  it('keeps the chain linear under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => log.append({ actor: 'system', action: 'flag.created', subjectType: 'ad', subjectId: i })));
    const r = await log.verify(7); // batches smaller than the log, so the walk crosses batch edges
    expect(r).toMatchObject({ ok: true, entries: 40 });
  });

  it('commits an entry with the action it records, or not at all', async () => {
    await appendSome(1);
    await expect(
      database.db.transaction(async (tx) => {
        await log.append({ actor: 'system', action: 'ad.held', subjectType: 'ad', subjectId: 1 }, tx as never);
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await log.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('catches a row whose details were changed in the database', async () => {
    await appendSome(5);
    await database.query(`update audit_log set details = jsonb_set(details, '{reason}', '"approved"') where seq = 3`);
    const out = await verifyOutput(2);
    expect(out.code).toBe(1);
    expect(out.text).toContain('chain broken at entry 3');
    expect(out.text).toContain('altered');
  });

  it('catches a row changed together with its own hash (the next link breaks)', async () => {
    await appendSome(4);
    const [row] = await log.entriesFor('ad', 101);
    const forged = { ...row!, actor: 'user:1' };
    await database.query('update audit_log set actor = $1, hash = $2 where seq = 2', [forged.actor, entryHash(forged)]);
    const out = await verifyOutput();
    expect(out.code).toBe(1);
    expect(out.text).toContain('chain broken at entry 3');
  });

  it('catches a deleted row', async () => {
    await appendSome(5);
    await database.query('delete from audit_log where seq = 2');
    const out = await verifyOutput();
    expect(out.code).toBe(1);
    expect(out.text).toContain('chain broken at entry 2');
    expect(out.text).toContain('missing');
  });

  it('catches entries removed from the end', async () => {
    await appendSome(5);
    await database.query('delete from audit_log where seq >= 4');
    const out = await verifyOutput();
    expect(out.code).toBe(1);
    expect(out.text).toContain('removed from the end');
  });
});
