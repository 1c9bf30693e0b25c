import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER } from './client.ts';

let cached: number | undefined;

/** How many migrations this build ships, from drizzle-kit's journal. */
export function readMigrationJournal(): number {
  cached ??= (JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
  return cached;
}
