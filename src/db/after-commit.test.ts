import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit } from './after-commit.ts';
import { openDatabase, type Database } from './client.ts';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({ memory: true });
});
afterAll(async () => database.close());

describe('afterCommit', () => {
  it('runs at once outside a transaction', () => {
    let ran = false;
    afterCommit(() => (ran = true));
    expect(ran).toBe(true);
  });

  it('waits for the outermost transaction to commit, savepoints included', async () => {
    const seen: string[] = [];
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      afterCommit(() => seen.push('outer'));
      await tx.transaction(async () => {
        afterCommit(() => seen.push('savepoint'));
      });
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['outer', 'savepoint']);
  });

  it('drops the callbacks of a transaction that rolls back', async () => {
    const seen: string[] = [];
    await expect(
      database.db.transaction(async () => {
        afterCommit(() => seen.push('never'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(seen).toEqual([]);
  });
});
