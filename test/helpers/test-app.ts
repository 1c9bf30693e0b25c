/**
 * Builds the real application for integration tests: real database (PGlite or PostgreSQL), real
 * photo processing, real screening hook; only mail is recorded in memory and the clock is settable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { createAppContext, type AppContext, type ContextOverrides } from '../../src/composition.ts';
import { buildApp, type BuildOptions } from '../../src/http/app.ts';
import { RecordingMailer } from '../../src/mail/recording-mailer.ts';
import { seedPlaces } from '../../src/places/seed-places.ts';
import { openTestDatabase } from './test-database.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  mailer: RecordingMailer;
  clock: { now: Date; advanceHours(h: number): void };
  dataDir: string;
  close(): Promise<void>;
}

export async function createTestApp(overrides: ContextOverrides & { env?: Record<string, string>; onRoute?: BuildOptions['onRoute'] } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'corkboard-test-'));
  const database = await openTestDatabase();
  const mailer = new RecordingMailer();
  const clock = {
    now: new Date(),
    advanceHours(h: number) {
      clock.now = new Date(clock.now.getTime() + h * 3600_000);
    },
  };
  // The semantic screening model embeds every posted ad (tens of milliseconds each): test apps screen
  // with the policy's rules unless a test asks for the model (test/screening-model.test.ts does).
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://localhost:3000', LOG_LEVEL: 'silent', POSTS_PER_HOUR_PER_IP: '1000', POSTS_PER_HOUR_PER_EMAIL: '1000', SCREENING_MODEL: 'off', ...overrides.env });
  await database.migrate();
  await seedPlaces(database.db);
  const ctx = await createAppContext(config, { database, mailer, now: () => clock.now, ...overrides });
  const app = await buildApp(ctx, { onRoute: overrides.onRoute });
  await app.ready();
  return {
    app,
    ctx,
    mailer,
    clock,
    dataDir,
    async close() {
      await app.close();
      // Closes the change feed's listening connection and the rate limiter, then the database.
      await ctx.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Pulls the first link to `pathPrefix` out of a mail body. */
export function linkFrom(text: string, pathPrefix: string): string {
  const m = new RegExp(`http://localhost:3000(${pathPrefix}[^\\s]*)`).exec(text);
  if (!m) throw new Error(`no ${pathPrefix} link in mail:\n${text}`);
  return m[1]!;
}

/** An ordinary account signed up and confirmed through the account service, and an API token for it. */
export async function apiToken(t: TestApp, email: string): Promise<string> {
  await t.ctx.accountService.signUp({ email, password: 'correct horse battery' }, '127.0.0.1');
  const confirm = linkFrom(t.mailer.lastTo(email)!.text, '/account/confirm/').split('/').pop()!;
  const session = await t.ctx.accountService.confirmEmail(confirm, null);
  return (await t.ctx.accountService.createApiToken(session.user.id, { name: 'script' })).token;
}
