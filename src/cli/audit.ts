/** `corkboard audit verify [--batch N]`: walks the audit log's hash chain; exit 1 on the first broken link. */
import path from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { openDatabase } from '../db/client.ts';
import { configOrExit, flagValue } from './bootstrap.ts';

export async function audit(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') {
    process.stderr.write('usage: corkboard audit verify [--batch N]\n');
    return 2;
  }
  const batchArg = flagValue(rest, '--batch');
  const batch = batchArg ? Number(batchArg) : 1000;
  if (!Number.isInteger(batch) || batch < 1) {
    process.stderr.write('--batch must be a positive whole number\n');
    return 2;
  }
  const config = configOrExit();
  if (!config) return 2;
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await database.migrate();
    return await runVerify(new AuditLog(database.db), batch, (line) => process.stdout.write(`${line}\n`));
  } finally {
    await database.close();
  }
}

export async function runVerify(log: AuditLog, batch: number, out: (line: string) => void): Promise<number> {
  const result = await log.verify(batch);
  if (result.ok) {
    out(`${result.entries} entries, chain intact (head ${result.headHash.slice(0, 16)}…)`);
    return 0;
  }
  out(`chain broken at entry ${result.brokenAt}: ${result.problem} (${result.entries} entries verified before it)`);
  return 1;
}
