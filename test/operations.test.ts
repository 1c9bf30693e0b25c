/** Health checks, rate limits, hostile input, orphan cleanup and a graceful stop. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { POSTS_PER_HOUR_PER_EMAIL: '2' } });
});
afterAll(async () => t?.close());

async function csrf() {
  const res = await t.app.inject({ url: '/post' });
  return { token: /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!, cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const ad = (title: string) => ({
  title,
  body: 'A plain description of an ordinary item for sale.',
  price: '20',
  city: 'chicago',
  category: 'books',
  email: 'limits@example.com',
  contact_mode: 'relay',
});

describe('operations', () => {
  it('reports liveness and readiness with the migrations applied', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
    expect(ready.json().migrations).toBeGreaterThanOrEqual(1);
  });

  it('limits posting per e-mail and says when to come back, keeping the form', async () => {
    const statuses: number[] = [];
    let last = '';
    for (const title of ['Paperback novel one', 'Paperback novel two', 'Paperback novel three']) {
      const { token, cookie } = await csrf();
      const res = await t.app.inject({
        method: 'POST',
        url: '/post',
        payload: form({ ...ad(title), _csrf: token, _action: 'submit' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      });
      statuses.push(res.statusCode);
      last = res.body;
      if (res.statusCode === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([303, 303, 429]);
    expect(last).toContain('Too many attempts');
    expect(last).toContain('value="Paperback novel three"');
  });
});

describe('periodic jobs across app nodes', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)('lets one node at a time run upkeep on a PostgreSQL server', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = t.ctx.database.exclusively('corkboard:test-job', () => gate);
    await new Promise((r) => setTimeout(r, 50));
    let ranSecond = false;
    const second = await t.ctx.database.exclusively('corkboard:test-job', async () => {
      ranSecond = true;
    });
    release();
    expect(await first).toBe(true);
    expect(second).toBe(false);
    expect(ranSecond).toBe(false);
    expect(await t.ctx.database.exclusively('corkboard:test-job', async () => {})).toBe(true);
  });
});

describe('hostile input', () => {
  it('refuses an oversized form body with 413', async () => {
    const { token, cookie } = await csrf();
    const res = await t.app.inject({
      method: 'POST',
      url: '/post',
      payload: form({ ...ad('Huge body'), body: 'x'.repeat(400_000), _csrf: token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    expect(res.statusCode).toBe(413);
  });

  it('refuses invalid UTF-8 with a message on the field', async () => {
    const { token, cookie } = await csrf();
    const { title: _title, ...rest } = ad('unused');
    // Raw bytes that are not UTF-8, as a broken client would send them.
    const payload = Buffer.concat([Buffer.from(`${form({ ...rest, email: 'utf@example.com', _csrf: token, _action: 'submit' })}&title=Bad`), Buffer.from([0xff, 0xfe]), Buffer.from('bytes+here')]);
    const res = await t.app.inject({ method: 'POST', url: '/post', payload, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('cannot be displayed');
  });

  it('treats SQL in search words as words, and unknown places as unknown', async () => {
    const res = await t.app.inject({ url: `/search?q=${encodeURIComponent("'; drop table ads; --")}&city=chicago` });
    expect(res.statusCode).toBe(200);
    const still = await t.ctx.database.query<{ n: number }>('select count(*)::int as n from ads');
    expect(still[0]!.n).toBeGreaterThanOrEqual(0);
    const unknown = await t.app.inject({ url: `/search?q=bike&city=${encodeURIComponent("chicago' or 1=1 --")}` });
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('There is no city');
    expect((await t.app.inject({ url: '/atlantis' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/chicago/unicorns' })).statusCode).toBe(404);
  });

  it('answers bad search parameters with a notice, not an error page', async () => {
    const res = await t.app.inject({ url: '/search?min_price=abc&max_price=-3&within_days=9999&sort=sideways' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Some filters were not applied');
  });
});

describe('photo files no ad references', () => {
  it('sweeps files of an upload that never got committed, after a grace period, and keeps the rest', async () => {
    const store = t.ctx.photos;
    const day = t.clock.now.toISOString().slice(0, 10).replace(/-/g, '/');
    await store.put(`${day}/deadbeef-thumb.webp`, Buffer.from('orphan'));
    await store.put(`${day}/freshfile-thumb.webp`, Buffer.from('in flight'));
    const root = path.join(t.dataDir, 'photos');
    const old = new Date(t.clock.now.getTime() - 2 * 3600_000);
    utimesSync(path.join(root, `${day}/deadbeef-thumb.webp`), old, old);
    const removed = await t.ctx.lifecycle.sweepOrphanPhotos();
    expect(removed).toBe(1);
    expect(existsSync(path.join(root, `${day}/deadbeef-thumb.webp`))).toBe(false);
    expect(existsSync(path.join(root, `${day}/freshfile-thumb.webp`))).toBe(true);
  });
});

describe('graceful shutdown', () => {
  it('stops on SIGTERM with exit code 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'corkboard-serve-'));
    const child = spawn(process.execPath, ['bin/corkboard.mjs', 'serve'], {
      env: { ...process.env, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
        child.stdout.on('data', () => {
          if (out.includes('Corkboard is running')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(out).toContain('shutting down');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
