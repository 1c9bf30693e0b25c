/**
 * `corkboard rescan [--batch N] [--max-batches N] [--force] [--policy FILE]`: re-screens live ads
 * (published and held) after a policy or hash-bank change, with the newest policy an admin saved
 * unless --policy is given. Published ads that now match are held through moderation (queued,
 * statement of reasons, mail to the poster); held ads are never published. The cursor is kept in
 * the database: run it again after an interruption and it resumes.
 */
import path from 'node:path';
import { openDatabase } from '../db/client.ts';
import { createMailer } from '../mail/mailer.ts';
import { createModeration } from '../moderation/moderation.ts';
import { loadPlaces } from '../places/places.ts';
import { LinkSigner } from '../platform/signed-links.ts';
import { loadOrCreateSiteKey } from '../platform/site-key.ts';
import { EngineScreener } from '../listings/engine-screener.ts';
import { loadPolicy } from '../screening/index.ts';
import { PolicyStore } from '../screening-store/policy-store.ts';
import { rescan as runRescan } from '../screening-store/rescan.ts';
import { configOrExit, flagValue } from './bootstrap.ts';

function wholeNumber(args: string[], name: string): number | undefined | null {
  const raw = flagValue(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export async function rescan(args: string[]): Promise<number> {
  const config = configOrExit();
  if (!config) return 2;
  const batchSize = wholeNumber(args, '--batch');
  const maxBatches = wholeNumber(args, '--max-batches');
  if (batchSize === null || maxBatches === null) {
    process.stderr.write('--batch and --max-batches must be whole numbers above 0\n');
    return 2;
  }
  const policyPath = flagValue(args, '--policy');
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await database.migrate();
    // record: ads that predate the stores (seeded, imported, screened by an older build) are added to them; idempotent for the rest.
    // The policy in force: --policy FILE, else the newest one an admin saved, else the bundled one.
    const policy = policyPath ? loadPolicy(policyPath) : (await new PolicyStore(database).current()).policy;
    console.log(`screening with policy version ${policy.version}`);
    const screener = new EngineScreener({ database, policy, record: true });
    const started = Date.now();
    // Holds go through moderation, as any automated hold does: review queue, statement of reasons, audit entry, mail.
    const places = await loadPlaces(database.db);
    const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir });
    // The site key signs the appeal links in the statements mailed to posters, as in the app.
    const links = new LinkSigner(await loadOrCreateSiteKey(database.db));
    const moderation = createModeration({ config, database, mailer, links, places: () => places, now: () => new Date() });
    const report = await runRescan(database, screener, { batchSize, maxBatches, force: args.includes('--force'), log: (l) => console.log(l), hold: moderation.holdAfterRescan });
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (!report.alreadyDone) {
      console.log(
        `rescan #${report.runId} ${report.finished ? 'finished' : 'paused (run again to resume)'}: ${report.scanned} ads screened and ${report.held} held in ${secs} s; run total ${report.runScanned} screened, ${report.runHeld} held`,
      );
    }
    return 0;
  } finally {
    await database.close();
  }
}
