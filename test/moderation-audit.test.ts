/**
 * The tamper-evident audit log on PGlite and (with TEST_DATABASE_URL) PostgreSQL: appends chain,
 * concurrent appends stay linear, and `audit verify` finds an altered, a deleted and a truncated entry.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, canonicalJson, entryHash, formatAnchor, GENESIS_HASH, logAuditHead, type AuditAnchor } from '../src/audit/audit-log.ts';
import { anchorsFromArgs, runHead, runVerify } from '../src/cli/audit.ts';
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

async function verifyOutput(batch = 1000, anchors: AuditAnchor[] = []) {
  const lines: string[] = [];
  const code = await runVerify(log, batch, (l) => lines.push(l), anchors);
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

  it('catches a chain rewritten consistently from some entry on only with an anchor recorded before the rewrite', async () => {
    await appendSome(3);
    const early = await log.head(); // published at entry 3, e.g. pasted into a ticket
    expect(early.seq).toBe(3);
    await appendSome(3);
    const late = await log.head(); // published at entry 6
    expect(formatAnchor(late)).toBe(`6:${late.hash}`);

    // The attacker, with database access, changes entry 5 and recomputes every hash from there on.
    const rows = await database.query<{ seq: number; at: Date; actor: string; action: string; subject_type: string; subject_id: string; details: Record<string, unknown>; prev_hash: string }>(
      'select seq, at, actor, action, subject_type, subject_id, details, prev_hash from audit_log where seq >= 5 order by seq',
    );
    let prev = (await database.query<{ hash: string }>('select hash from audit_log where seq = 4'))[0]!.hash;
    for (const r of rows) {
      const details = Number(r.seq) === 5 ? { ...r.details, reason: 'approved' } : r.details;
      const hash = entryHash({ seq: Number(r.seq), at: new Date(r.at), actor: r.actor, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, details, prevHash: prev });
      await database.query('update audit_log set details = $1, prev_hash = $2, hash = $3 where seq = $4', [JSON.stringify(details), prev, hash, r.seq]);
      prev = hash;
    }
    await database.query('update audit_chain_head set hash = $1 where id = 1', [prev]);

    // The walk alone cannot tell.
    expect(await verifyOutput()).toEqual({ code: 0, text: expect.stringMatching(/^6 entries, chain intact/) });
    // The anchor taken after the rewritten entry can; the one taken before it still holds.
    const out = await verifyOutput(1000, [early, late]);
    expect(out.code).toBe(1);
    expect(out.text).toContain('6 entries, chain intact');
    expect(out.text).toContain(`anchor failed: entry 6 should have hash ${late.hash.slice(0, 16)}…, has ${prev.slice(0, 16)}…: the log was rewritten at or before entry 6`);
    expect(out.text).not.toContain('entry 3 should');
    expect(out.text).toContain('1 of 2 anchors match');
    expect(await verifyOutput(1000, [early])).toEqual({ code: 0, text: expect.stringContaining('1 anchor matches') });
  });

  it('catches entries cut from the end together with the recorded head, given an anchor', async () => {
    await appendSome(5);
    const anchor = await log.head();
    await database.query('delete from audit_log where seq >= 4');
    const [third] = await database.query<{ hash: string }>('select hash from audit_log where seq = 3');
    await database.query('update audit_chain_head set seq = 3, hash = $1 where id = 1', [third!.hash]);
    expect((await verifyOutput()).code).toBe(0);
    const out = await verifyOutput(1000, [anchor]);
    expect(out.code).toBe(1);
    expect(out.text).toContain('entry 5 should have hash');
    expect(out.text).toContain('there is no entry 5: the log was cut back or rewritten at or before entry 5');
  });

  it('prints the head as one line to publish, or as JSON, and logs it as "audit head"', async () => {
    const lines: string[] = [];
    await runHead(log, { json: false, site: 'https://ads.example' }, (l) => lines.push(l));
    expect(lines).toEqual(['Corkboard audit log at https://ads.example is empty (nothing to anchor yet)']);
    await appendSome(2);
    const head = await log.head();
    lines.length = 0;
    await runHead(log, { json: false, site: 'https://ads.example' }, (l) => lines.push(l));
    await runHead(log, { json: true, site: 'https://ads.example' }, (l) => lines.push(l));
    expect(lines[0]).toBe(`Corkboard audit head at https://ads.example: 2:${head.hash} (entry 2, written ${head.at!.toISOString()})`);
    expect(JSON.parse(lines[1]!)).toEqual({ site: 'https://ads.example', seq: 2, hash: head.hash, at: head.at!.toISOString(), anchor: `2:${head.hash}` });

    const logged: { obj: object; msg: string }[] = [];
    await logAuditHead(log, { info: (obj, msg) => logged.push({ obj, msg }) });
    expect(logged).toEqual([{ msg: 'audit head', obj: { auditSeq: 2, auditHash: head.hash, auditAt: head.at!.toISOString(), anchor: `2:${head.hash}` } }]);

    // Each of those lines, pasted into an anchors file, is an anchor that verify checks.
    const file = ['# anchors for ads.example', '', lines[0], lines[1], JSON.stringify({ level: 30, msg: 'audit head', ...logged[0]!.obj })].join('\n');
    const parsed = anchorsFromArgs(['--anchors', 'anchors.txt', '--anchor', `1:${(await log.entriesFor('ad', 100))[0]!.hash.toUpperCase()}`], () => file);
    expect(parsed).toEqual({ anchors: [{ seq: 1, hash: (await log.entriesFor('ad', 100))[0]!.hash }, ...Array(3).fill({ seq: 2, hash: head.hash })] });
    expect(await verifyOutput(1000, (parsed as { anchors: AuditAnchor[] }).anchors)).toEqual({ code: 0, text: expect.stringContaining('4 anchors match') });
  });

  it('refuses anchors it cannot read, saying where', () => {
    expect(anchorsFromArgs(['--anchor', '12:abc'], () => '')).toEqual({ error: expect.stringContaining('--anchor 12:abc: expected SEQ:HASH') });
    expect(anchorsFromArgs(['--anchors', 'a.txt'], () => `3:${'a'.repeat(64)}\nhello\n`)).toEqual({ error: 'a.txt, line 2: no SEQ:HASH anchor in "hello"' });
    expect(anchorsFromArgs(['--anchors', 'missing.txt'], () => {
      throw new Error('ENOENT');
    })).toEqual({ error: '--anchors missing.txt: cannot read it (ENOENT)' });
  });
});
