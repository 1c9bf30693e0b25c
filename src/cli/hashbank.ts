/**
 * `corkboard hashbank import FILE --name N --label L --action reject|review` adds the PDQ hashes of
 * FILE (one per line, optional quality; see docs/pdq.md) to bank N; `corkboard hashbank list`.
 * Running servers pick up the change within seconds; run `corkboard rescan` to check live ads.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase } from '../db/client.ts';
import { HashBankParseError, parseHashBankFile, type HashBankAction } from '../screening/images/index.ts';
import { LABELS } from '../screening/index.ts';
import { HashBankConflictError, HashBankStore } from '../screening-store/hash-banks.ts';
import { configOrExit, flagValue } from './bootstrap.ts';

const USAGE = 'usage: corkboard hashbank import FILE --name N --label L --action reject|review\n       corkboard hashbank list\n';

export async function hashbank(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import' && sub !== 'list') {
    process.stderr.write(USAGE);
    return 2;
  }
  let parsed: ReturnType<typeof parseHashBankFile> | null = null;
  if (sub === 'import') {
    const file = rest.find((a, i) => !a.startsWith('--') && !(i > 0 && rest[i - 1]!.startsWith('--') && !rest[i - 1]!.includes('=')));
    const name = flagValue(rest, '--name');
    const label = flagValue(rest, '--label');
    const action = flagValue(rest, '--action');
    if (!file || !name || !label || (action !== 'reject' && action !== 'review')) {
      process.stderr.write(USAGE);
      return 2;
    }
    if (!(LABELS as readonly string[]).includes(label)) {
      process.stderr.write(`--label must be one of ${LABELS.join(', ')}\n`);
      return 2;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      process.stderr.write(`cannot read ${file}: ${(err as Error).message}\n`);
      return 1;
    }
    try {
      parsed = parseHashBankFile(text, { name, label, action: action as HashBankAction });
    } catch (err) {
      if (err instanceof HashBankParseError) {
        process.stderr.write(`${file}: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  }
  const config = configOrExit();
  if (!config) return 2;
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await database.migrate();
    const store = new HashBankStore(database);
    if (parsed) {
      try {
        const r = await store.importBank(parsed);
        console.log(`bank ${parsed.name} (${parsed.label}, ${parsed.action}): ${r.added} hashes added, ${r.alreadyPresent} already present, ${parsed.duplicates} repeated in the file`);
        console.log('run `corkboard rescan` to check live ads against it');
      } catch (err) {
        if (err instanceof HashBankConflictError) {
          process.stderr.write(`${err.message}\n`);
          return 1;
        }
        throw err;
      }
      return 0;
    }
    const banks = await store.list();
    if (banks.length === 0) console.log('no hash banks');
    for (const b of banks) console.log(`${b.name.padEnd(24)} ${b.label.padEnd(18)} ${b.action.padEnd(7)} ${String(b.hashes).padStart(9)} hashes  updated ${b.updatedAt.toISOString()}`);
    return 0;
  } finally {
    await database.close();
  }
}
