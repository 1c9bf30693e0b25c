/**
 * `corkboard serve [--seed-if-empty]`: migrations, optional first-run demo content, the HTTP server,
 * periodic upkeep, mail outbox delivery, and a graceful stop on SIGTERM/SIGINT (in-flight requests
 * finish, then the database closes).
 */
import { AccountRepository } from '../accounts/account.repository.ts';
import { AUDIT_HEAD_LOG_INTERVAL_MS, logAuditHead } from '../audit/audit-log.ts';
import { createAppContext } from '../composition.ts';
import { buildApp } from '../http/app.ts';
import { seedDemoAds } from '../listings/demo-seeder.ts';
import { startRelaySmtp, type RelaySmtpListener } from '../messaging/relay-smtp.ts';
import { seedPlaces } from '../places/seed-places.ts';
import { configOrExit } from './bootstrap.ts';

const UPKEEP_INTERVAL_MS = 5 * 60_000;
const ALERTS_INTERVAL_MS = 30_000;
/** How often pending outbox mail (failed sends, a crashed node's leftovers) is retried. */
const MAIL_OUTBOX_INTERVAL_MS = 30_000;
/** How soon another node's category edit (src/places/category-admin.ts) reaches this node. */
export const PLACES_REFRESH_MS = 15_000;
const DEMO_ADS = 2000;

export async function serve(args: string[]): Promise<number> {
  const config = configOrExit();
  if (!config) return 2;
  const ctx = await createAppContext(config);
  const app = await buildApp(ctx, { logger: { level: config.logLevel } });
  if (args.includes('--seed-if-empty') && ctx.places.cities.length === 0) {
    app.log.info('first start: seeding places, categories and demo ads');
    await seedPlaces(ctx.database.db);
    await ctx.reloadPlaces();
    const result = await seedDemoAds(ctx.database, ctx.places, ctx.photos, { count: DEMO_ADS });
    app.log.info({ ads: result.ads, photos: result.photos }, 'demo content ready');
  }
  const accounts = new AccountRepository(ctx.database.db);
  let upkeepRunning = false;
  const upkeep = async () => {
    if (upkeepRunning) return;
    upkeepRunning = true;
    try {
      // Every node schedules upkeep; the database lock lets one of them run it at a time.
      await ctx.database.exclusively('corkboard:upkeep', async () => {
        const report = await ctx.lifecycle.run();
        const expiredSessionsDeleted = await accounts.deleteExpiredSessions(ctx.now());
        const spentTokensDeleted = await accounts.deleteSpentTokens(ctx.now());
        const relay = await ctx.relay.purgeOldThreads(ctx.now());
        app.log.info({ ...report, expiredSessionsDeleted, spentTokensDeleted, relayThreadsClosed: relay.closed, relayThreadsPurged: relay.purged }, 'upkeep done');
      });
    } catch (err) {
      app.log.error({ err }, 'upkeep failed');
    } finally {
      upkeepRunning = false;
    }
  };
  const timer = setInterval(upkeep, UPKEEP_INTERVAL_MS);
  timer.unref();
  void upkeep();
  // Saved-search alerts: every node may run them; SKIP LOCKED claims and leases keep runs apart (docs/alerts.md).
  let alertRun: Promise<void> | null = null;
  const runAlerts = () => {
    if (alertRun) return;
    alertRun = ctx.alerts
      .runOnce()
      .then((r) => (r.mails > 0 || r.failures > 0 ? app.log.info(r, 'alerts run') : undefined), (err: unknown) => app.log.error({ err }, 'alerts run failed'))
      .finally(() => (alertRun = null));
  };
  const alertTimer = setInterval(runAlerts, ALERTS_INTERVAL_MS);
  alertTimer.unref();
  // The audit log's head goes into the log output hourly (and at start): shipped logs keep anchors
  // that a database admin cannot rewrite (docs/moderation.md). Read-only, so every node writes its own copy.
  const anchorAuditHead = () => {
    logAuditHead(ctx.moderation.audit, app.log).catch((err: unknown) => app.log.error({ err }, 'reading the audit head failed'));
  };
  const auditHeadTimer = setInterval(anchorAuditHead, AUDIT_HEAD_LOG_INTERVAL_MS);
  auditHeadTimer.unref();
  anchorAuditHead();
  // Moderation mail left pending (a failed send, a crash after the commit) and the purge of old sent
  // rows: one node at a time; the row claims keep it apart from the deliveries right after commits.
  let outboxRun: Promise<unknown> | null = null;
  const runOutbox = () => {
    if (outboxRun) return;
    outboxRun = ctx.database
      .exclusively('corkboard:mail-outbox', async () => {
        const r = await ctx.mailOutbox.runJob();
        if (r.gaveUp > 0) app.log.warn(r, 'mail outbox run: gave up on mail that kept failing; admins can retry it on /staff/admin/mail');
        else if (r.sent > 0 || r.failed > 0 || r.purged > 0) app.log.info(r, 'mail outbox run');
      })
      .catch((err: unknown) => app.log.error({ err }, 'mail outbox run failed'))
      .finally(() => (outboxRun = null));
  };
  const outboxTimer = setInterval(runOutbox, MAIL_OUTBOX_INTERVAL_MS);
  outboxTimer.unref();
  runOutbox();
  // An admin's category edit reloads the node that served it at once; the others notice here.
  const placesTimer = setInterval(() => {
    ctx.refreshPlacesIfChanged().catch((err: unknown) => app.log.error({ err }, 'reloading categories failed'));
  }, PLACES_REFRESH_MS);
  placesTimer.unref();

  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Corkboard is running at ${config.publicUrl} (${ctx.database.kind})`);
  // The reply relay's inbound SMTP listener, only when RELAY_SMTP_PORT is set (docs/relay.md).
  let relaySmtp: RelaySmtpListener | undefined;
  if (config.relaySmtpPort !== undefined) {
    relaySmtp = await startRelaySmtp({ relay: ctx.relay, port: config.relaySmtpPort, host: config.host, log: app.log });
    app.log.info(`reply relay listening for mail to *@${config.relayDomain} on port ${relaySmtp.port}`);
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      clearInterval(timer);
      clearInterval(alertTimer);
      clearInterval(auditHeadTimer);
      clearInterval(outboxTimer);
      clearInterval(placesTimer);
      try {
        await relaySmtp?.close();
        await app.close();
        await alertRun;
        await outboxRun;
        await ctx.close();
        resolve(0);
      } catch (err) {
        app.log.error({ err }, 'shutdown failed');
        resolve(1);
      }
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
