/**
 * `corkboard audit verify [--batch N] [--anchor SEQ:HASH]… [--anchors FILE]`: walks the audit log's
 * hash chain and checks published heads (anchors); exit 1 on the first broken link or any anchor
 * that no longer matches. `corkboard audit head [--json]`: the newest entry, as a line to publish
 * outside the database (docs/moderation.md, "Anchoring the audit log").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuditLog, formatAnchor, headLine, parseAnchor, type AuditAnchor } from '../audit/audit-log.ts';
import { openDatabase } from '../db/client.ts';
import { configOrExit, flagValue } from './bootstrap.ts';

const USAGE = `usage: corkboard audit verify [--batch N] [--anchor SEQ:HASH]... [--anchors FILE]
       corkboard audit head [--json]
`;

type Out = (line: string) => void;

export async function audit(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const err: Out = (line) => process.stderr.write(`${line}\n`);
  const out: Out = (line) => process.stdout.write(`${line}\n`);
  if (sub !== 'verify' && sub !== 'head') {
    process.stderr.write(USAGE);
    return 2;
  }
  let batch = 1000;
  let anchors: AuditAnchor[] = [];
  if (sub === 'verify') {
    const batchArg = flagValue(rest, '--batch');
    batch = batchArg ? Number(batchArg) : 1000;
    if (!Number.isInteger(batch) || batch < 1) {
      err('--batch must be a positive whole number');
      return 2;
    }
    const parsed = anchorsFromArgs(rest, (file) => readFileSync(file, 'utf8'));
    if ('error' in parsed) {
      err(parsed.error);
      return 2;
    }
    anchors = parsed.anchors;
  }
  const config = configOrExit();
  if (!config) return 2;
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await database.migrate();
    const log = new AuditLog(database.db);
    if (sub === 'head') return await runHead(log, { json: rest.includes('--json'), site: config.publicUrl }, out);
    return await runVerify(log, batch, out, anchors);
  } finally {
    await database.close();
  }
}

/** Every value of a repeatable flag (`--name V` or `--name=V`). */
function flagValues(args: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && i + 1 < args.length) values.push(args[++i]!);
    else if (args[i]!.startsWith(`${name}=`)) values.push(args[i]!.slice(name.length + 1));
  }
  return values;
}

/** `SEQ:HASH` anywhere in a line: the line `audit head` prints, its JSON, or a shipped "audit head" log line. */
const ANCHOR_IN_LINE = /(?<![\w:])(\d{1,15}):([0-9a-fA-F]{64})(?![0-9a-fA-F])/;

/**
 * The anchors given with `--anchor` and in `--anchors FILE` (one a line; blank lines and lines
 * starting with # are skipped; each other line must contain one SEQ:HASH).
 */
export function anchorsFromArgs(args: string[], readFile: (file: string) => string): { anchors: AuditAnchor[] } | { error: string } {
  const anchors: AuditAnchor[] = [];
  for (const value of flagValues(args, '--anchor')) {
    const a = parseAnchor(value);
    if (!a) return { error: `--anchor ${value}: expected SEQ:HASH, the entry number and its 64-character hash as \`corkboard audit head\` prints them` };
    anchors.push(a);
  }
  for (const file of flagValues(args, '--anchors')) {
    let text: string;
    try {
      text = readFile(file);
    } catch (e) {
      return { error: `--anchors ${file}: cannot read it (${(e as Error).message})` };
    }
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line || line.startsWith('#')) continue;
      const m = ANCHOR_IN_LINE.exec(line);
      if (!m) return { error: `${file}, line ${i + 1}: no SEQ:HASH anchor in "${line.slice(0, 80)}"` };
      anchors.push({ seq: Number(m[1]), hash: m[2]!.toLowerCase() });
    }
  }
  if (args.includes('--anchor') && flagValues(args, '--anchor').length === 0) return { error: '--anchor needs a value: SEQ:HASH' };
  if (args.includes('--anchors') && flagValues(args, '--anchors').length === 0) return { error: '--anchors needs a file name' };
  return { anchors };
}

export async function runHead(log: AuditLog, opts: { json: boolean; site: string }, out: Out): Promise<number> {
  const head = await log.head();
  if (opts.json) out(JSON.stringify({ site: opts.site, seq: head.seq, hash: head.hash, at: head.at?.toISOString() ?? null, anchor: formatAnchor(head) }));
  else out(headLine(head, opts.site));
  return 0;
}

export async function runVerify(log: AuditLog, batch: number, out: Out, anchors: AuditAnchor[] = []): Promise<number> {
  const result = await log.verify(batch);
  if (result.ok) out(`${result.entries} entries, chain intact (head ${result.headHash.slice(0, 16)}…)`);
  else out(`chain broken at entry ${result.brokenAt}: ${result.problem} (${result.entries} entries verified before it)`);
  if (anchors.length === 0) return result.ok ? 0 : 1;
  const failures = await log.checkAnchors(anchors);
  for (const f of failures) out(`anchor failed: ${f.problem}`);
  const held = anchors.length - failures.length;
  out(failures.length === 0 ? `${anchors.length} ${anchors.length === 1 ? 'anchor matches' : 'anchors match'}` : `${held} of ${anchors.length} anchors match`);
  return result.ok && failures.length === 0 ? 0 : 1;
}
