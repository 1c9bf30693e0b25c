/**
 * Relay throughput end to end: nodemailer (pooled SMTP client) → the relay's SMTP listener → RCPT
 * checks (identity lookup, sender match, ad open) → mailparser → block check → forwarded mail
 * composed and handed to the mailer → message stored. The mailer is the real OutboxMailer
 * (nodemailer stream transport writing .eml files), so composing the outgoing mail is measured too.
 *
 *   npx tsx bench/relay.bench.ts                      # PGlite in memory
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/relay.bench.ts
 *   THREADS=200 MESSAGES=3000 CONNECTIONS=8 (defaults)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createAppContext } from '../src/composition.ts';
import { loadConfig } from '../src/config.ts';
import { OutboxMailer } from '../src/mail/mailer.ts';
import { startRelaySmtp } from '../src/messaging/relay-smtp.ts';
import { seedPlaces } from '../src/places/seed-places.ts';
import { openTestDatabase } from '../test/helpers/test-database.ts';

const THREADS = Number(process.env.THREADS ?? 200);
const MESSAGES = Number(process.env.MESSAGES ?? 3000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);

const dataDir = mkdtempSync(path.join(tmpdir(), 'corkboard-relay-bench-'));
const database = await openTestDatabase();
await database.migrate();
await seedPlaces(database.db);
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const ctx = await createAppContext(config, { database, mailer: new OutboxMailer(path.join(dataDir, 'outbox'), config.mailFrom) });
ctx.relay.limits.mailsPerHourPerSender = 1e9;

const city = ctx.places.cities[0]!;
const category = ctx.places.categories.find((c) => c.parentId !== null) ?? ctx.places.categories[0]!;
const now = new Date();
const threads: { poster: string; replierAlias: string; replier: string; posterAlias: string }[] = [];
for (let i = 0; i < THREADS; i++) {
  const poster = `poster${i}@example.com`;
  const adId = await ctx.ads.insertWithPhotos(
    {
      state: 'published',
      email: poster,
      cityId: city.id,
      categoryId: category.id,
      title: `Bench item ${i}`,
      body: 'A thing for sale.',
      linkNonce: 'n',
      itemFingerprint: `bench-${i}`,
      createdAt: now,
      bumpedAt: now,
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    },
    [],
  );
  const replier = `replier${i}@example.org`;
  const t = await ctx.relayRepository.insertThread({
    adId,
    posterEmail: poster,
    replierEmail: replier,
    posterAlias: `reply-${String(i).padStart(6, 'a').replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}aaaaaaaaaa`,
    replierAlias: `reply-${String(i).padStart(6, 'b').replace(/\d/g, (d) => 'klmnopqrst'[Number(d)]!)}bbbbbbbbbb`,
    linkNonce: 'n',
    confirmedAt: now,
    createdAt: now,
    lastMessageAt: now,
  });
  threads.push({ poster, replier, replierAlias: ctx.relay.address(t.replierAlias), posterAlias: ctx.relay.address(t.posterAlias) });
}

const smtp = await startRelaySmtp({ relay: ctx.relay, port: 0, host: '127.0.0.1' });
const client = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });

const body = 'Hello, is this still available? I could pick it up on Saturday morning.\n\n> quoted earlier message\n> with two lines';
const latencies: number[] = [];
let failures = 0;
const started = performance.now();
const cpu0 = process.cpuUsage();
let next = 0;
await Promise.all(
  Array.from({ length: CONNECTIONS * 2 }, async () => {
    while (next < MESSAGES) {
      const i = next++;
      const t = threads[i % threads.length]!;
      const toPoster = i % 2 === 0;
      const t0 = performance.now();
      try {
        await client.sendMail({ from: toPoster ? t.replier : t.poster, to: toPoster ? t.posterAlias : t.replierAlias, subject: `Re: item ${i}`, text: `${body}\n#${i}` });
        latencies.push(performance.now() - t0);
      } catch {
        failures++;
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
// CPU time of this process (client, listener, parser, mailer and PGlite) per message: on a loaded,
// shared machine the wall clock says more about the neighbours than about the relay.
const cpuMsPerMessage = (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
console.log(
  JSON.stringify(
    {
      database: database.kind,
      threads: THREADS,
      messages: MESSAGES,
      connections: CONNECTIONS,
      failures,
      seconds: Number(seconds.toFixed(2)),
      messagesPerSecond: Math.round(latencies.length / seconds),
      cpuMsPerMessage: Number(cpuMsPerMessage.toFixed(2)),
      messagesPerCpuSecond: Math.round(1000 / cpuMsPerMessage),
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99) },
    },
    null,
    2,
  ),
);
client.close();
await smtp.close();
await ctx.close();
await database.drop().catch(() => {});
rmSync(dataDir, { recursive: true, force: true });
