/**
 * Saved searches with alerts through the real app: save a search, confirm by mail, get exactly one
 * alert per new matching ad (none before confirmation, none for other ads, none after unsubscribe),
 * digests, durable jobs across a failed run and an abandoned lease, RFC 8058 one-click unsubscribe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../src/alerts/alert.service.ts';
import type { MailMessage } from '../src/mail/mailer.ts';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';
import { multipart } from './helpers/post-ad.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function csrf(url: string) {
  const res = await t.app.inject({ method: 'GET', url });
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  expect(token, `csrf token on ${url}`).toBeTruthy();
  return { token: token!, cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; '), body: res.body };
}

let adCounter = 0;
/** Posts and confirms an ad as a poster would; returns its id. */
async function publishAd(fields: { title: string; city?: string; category?: string; price?: string; body?: string }): Promise<number> {
  const email = `poster${++adCounter}@example.com`;
  const { token, cookie } = await csrf('/post');
  const body = multipart({
    title: fields.title,
    body: fields.body ?? 'In good condition, collection only. Ask for more details through the relay.',
    price: fields.price ?? '120',
    country: 'united-states',
    city: fields.city ?? 'chicago',
    category: fields.category ?? 'bicycles',
    email,
    contact_mode: 'relay',
    _csrf: token,
    _action: 'submit',
  });
  const posted = await t.app.inject({ method: 'POST', url: '/post', payload: body.payload, headers: { ...body.headers, cookie } });
  expect(posted.statusCode, posted.body.slice(0, 500)).toBe(303);
  const confirmPath = linkFrom(t.mailer.lastTo(email)!.text, '/confirm/');
  const c = await csrf(confirmPath);
  const res = await t.app.inject({ method: 'POST', url: confirmPath, payload: { _csrf: c.token }, headers: { cookie: c.cookie } });
  expect(res.body).toContain('data-state="published"');
  return Number(/\/confirm\/(\d+)\//.exec(confirmPath)![1]);
}

async function saveSearch(query: string, email: string, frequency: string) {
  const { token, cookie, body } = await csrf(`/alerts/new?${query}`);
  const hidden = Object.fromEntries([...body.matchAll(/name="(s_[^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return t.app.inject({ method: 'POST', url: '/alerts', payload: { ...hidden, email, frequency, _csrf: token }, headers: { cookie } });
}

async function confirmAlert(email: string) {
  const path = linkFrom(t.mailer.lastTo(email)!.text, '/alerts/confirm/');
  const c = await csrf(path);
  return t.app.inject({ method: 'POST', url: path, payload: { _csrf: c.token }, headers: { cookie: c.cookie } });
}

const alertsTo = (email: string): MailMessage[] => t.mailer.sent.filter((m) => m.to === email && m.headers?.['List-Unsubscribe']);
const adIdsIn = (m: MailMessage) => [...m.text.matchAll(/localhost:3000\/[a-z-]+\/[a-z-]+\/[a-z0-9-]+-(\d+)\b/g)].map((x) => Number(x[1]));

async function run() {
  t.clock.advanceHours(1 / 60);
  return t.ctx.alerts.runOnce();
}

describe('instant alerts for a saved search', () => {
  const email = 'alerts@example.com';
  const sent: number[] = [];
  let beforeConfirmation = 0;

  it('offers "Save this search" on the results page and a labelled form with CSRF', async () => {
    const results = await t.app.inject({ url: '/search?q=bike&city=chicago&category=bicycles' });
    expect(results.body).toContain('action="/alerts/new"');
    expect(results.body).toContain('Save this search / get alerts');
    const form = await t.app.inject({ url: '/alerts/new?q=bike&city=chicago&category=bicycles' });
    expect(form.body).toContain('<label for="alert-email">');
    expect(form.body).toContain('<label for="alert-frequency">');
    expect(form.body).toContain('name="s_q" value="bike"');
  });

  it('keeps the input and says what is wrong on a bad e-mail address', async () => {
    const res = await saveSearch('q=bike&city=chicago', 'not-an-address', 'instant');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="not-an-address"');
    expect(res.body).toContain('Enter a valid e-mail address');
  });

  it('saves the search and mails a confirmation link; nothing is sent before it is opened', async () => {
    const res = await saveSearch('q=bike&city=chicago&category=bicycles&sort=newest', email, 'instant');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="alert-sent"');
    expect(t.mailer.lastTo(email)!.subject).toContain('Confirm your Corkboard alert');
    beforeConfirmation = await publishAd({ title: 'Road bike before confirmation' });
    await run();
    await run();
    expect(alertsTo(email)).toHaveLength(0);
  });

  it('after confirmation, sends exactly one alert for a new matching ad, the ad the search page shows', async () => {
    const res = await confirmAlert(email);
    expect(res.body).toContain('id="alert-confirmed"');
    const match = await publishAd({ title: 'Vintage road bike, 56 cm frame' });
    const otherCity = await publishAd({ title: 'Mountain bike in Houston', city: 'houston' });
    const otherWords = await publishAd({ title: 'Kids scooter, barely used' });
    const page = await t.app.inject({ url: '/search?q=bike&city=chicago&category=bicycles' });
    expect(page.body).toContain(`-${match}"`);
    expect(page.body).not.toContain(`-${otherCity}"`);
    expect(page.body).not.toContain(`-${otherWords}"`);
    const report = await run();
    expect(report.mails).toBe(1);
    const mails = alertsTo(email);
    expect(mails).toHaveLength(1);
    // The ad published between saving and confirming is new to the subscriber too: it comes with the first alert.
    expect(adIdsIn(mails[0]!)).toEqual([match, beforeConfirmation]);
    expect(mails[0]!.subject).toContain('2 new ads');
    sent.push(match, beforeConfirmation);
  });

  it('carries RFC 8058 one-click unsubscribe headers and a manage link', async () => {
    const m = alertsTo(email)[0]!;
    expect(m.headers!['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:3000\/alerts\/unsubscribe\/\d+\/[\w-]+>$/);
    expect(m.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(m.text).toMatch(/\/alerts\/manage\/\d+\//);
  });

  it('never sends the same ad twice across runs (overlapping windows included)', async () => {
    await run();
    await run();
    expect(alertsTo(email)).toHaveLength(1);
  });

  it('survives a run whose mailer fails: the job is retried and each ad is sent exactly once', async () => {
    const ad = await publishAd({ title: 'Touring bike with panniers' });
    const failing = new AlertService({ ...t.ctx.alerts.deps, mailer: { send: async () => Promise.reject(new Error('SMTP down')) } });
    t.clock.advanceHours(1 / 60);
    const failed = await failing.runOnce();
    expect(failed.failures).toBe(1);
    expect(alertsTo(email)).toHaveLength(1);
    // Retried after its back-off, by a healthy runner.
    t.clock.advanceHours(3 / 60);
    await t.ctx.alerts.runOnce();
    await run();
    const mails = alertsTo(email);
    expect(mails).toHaveLength(2);
    expect(adIdsIn(mails[1]!)).toEqual([ad]);
    sent.push(ad);
  });

  it('survives a worker that died holding a job: the lease ends and another worker sends it once', async () => {
    const ad = await publishAd({ title: 'Folding bike for commuting' });
    t.clock.advanceHours(1 / 60);
    await t.ctx.alerts.runOnce({ maxDeliveries: 0 }); // matched and queued, not delivered
    const now = t.clock.now;
    const claimed = await t.ctx.alerts.deps.repo.claim('deliver', now, new Date(now.getTime() + 5 * 60_000), 10);
    expect(claimed).toHaveLength(1); // ...and the worker "crashes" here
    await t.ctx.alerts.runOnce();
    expect(alertsTo(email)).toHaveLength(2);
    t.clock.advanceHours(6 / 60);
    await t.ctx.alerts.runOnce();
    await run();
    const mails = alertsTo(email);
    expect(mails).toHaveLength(3);
    expect(adIdsIn(mails[2]!)).toEqual([ad]);
    sent.push(ad);
    const all = mails.flatMap(adIdsIn);
    expect(new Set(all).size).toBe(all.length);
  });

  it('shows a confirm page on GET, and unsubscribes on a one-click POST without CSRF', async () => {
    const url = /<http:\/\/localhost:3000([^>]+)>/.exec(alertsTo(email)[0]!.headers!['List-Unsubscribe']!)![1]!;
    const page = await t.app.inject({ url });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="${url}"`);
    const res = await t.app.inject({ method: 'POST', url, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="unsubscribed"');
    const again = await t.app.inject({ method: 'POST', url, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(again.statusCode).toBe(200);
    const forged = await t.app.inject({ method: 'POST', url: url.replace(/\/[\w-]+$/, '/forged-token-forged-token-forged'), payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.statusCode).toBe(200); // the search is gone either way; nothing to reveal
    await publishAd({ title: 'Gravel bike after unsubscribing' });
    await run();
    expect(alertsTo(email)).toHaveLength(3);
  });

  it('a mail that fails leaves only its own delivery pending; the rest of its batch completes', async () => {
    const failing = 'alerts-full-mailbox@example.com';
    const healthy = 'alerts-healthy@example.com';
    for (const address of [failing, healthy]) {
      await saveSearch('q=bike&city=chicago&category=bicycles', address, 'instant');
      await confirmAlert(address);
    }
    const ad = await publishAd({ title: 'Cargo bike with child seat' });
    const mailer = t.ctx.alerts.deps.mailer;
    const picky = new AlertService({ ...t.ctx.alerts.deps, mailer: { send: async (m) => (m.to === failing ? Promise.reject(new Error('mailbox full')) : mailer.send(m)) } });
    t.clock.advanceHours(1 / 60);
    const report = await picky.runOnce();
    expect(report.failures).toBe(1);
    expect(alertsTo(failing)).toHaveLength(0);
    expect(alertsTo(healthy).map(adIdsIn)).toEqual([[ad]]);
    // The failed one is retried after its back-off; the completed one is not sent again.
    t.clock.advanceHours(3 / 60);
    await t.ctx.alerts.runOnce();
    await run();
    expect(alertsTo(failing).map(adIdsIn)).toEqual([[ad]]);
    expect(alertsTo(healthy)).toHaveLength(1);
  });
});

describe('daily digests and the manage page', () => {
  const email = 'digest@example.com';

  it('groups the day\'s new matching ads into one digest, once', async () => {
    await saveSearch('city=chicago&category=furniture', email, 'daily');
    await confirmAlert(email);
    const a = await publishAd({ title: 'Oak bookshelf', category: 'furniture' });
    const b = await publishAd({ title: 'Leather armchair', category: 'furniture' });
    await publishAd({ title: 'Pine wardrobe in Houston', category: 'furniture', city: 'houston' });
    await run();
    expect(alertsTo(email)).toHaveLength(0); // the daily window is not over yet
    t.clock.advanceHours(24);
    await run();
    const mails = alertsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('daily digest: 2 new ads');
    expect(adIdsIn(mails[0]!).sort()).toEqual([a, b].sort());
    t.clock.advanceHours(24);
    await run();
    expect(alertsTo(email)).toHaveLength(1);
  });

  it('lists, changes and deletes alerts from the signed manage link', async () => {
    const path = linkFrom(alertsTo(email)[0]!.text, '/alerts/manage/');
    const { token, cookie, body } = await csrf(path);
    expect(body).toContain('Furniture in Chicago');
    const id = /data-saved-search="(\d+)"/.exec(body)![1]!;
    const changed = await t.app.inject({ method: 'POST', url: `${path}/${id}/frequency`, payload: { frequency: 'weekly', _csrf: token }, headers: { cookie } });
    expect(changed.statusCode).toBe(303);
    const after = await t.app.inject({ url: changed.headers.location as string });
    expect(after.body).toMatch(/<option value="weekly" selected>/);
    const noCsrf = await t.app.inject({ method: 'POST', url: `${path}/${id}/delete`, payload: {}, headers: { cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const deleted = await t.app.inject({ method: 'POST', url: `${path}/${id}/delete`, payload: { _csrf: token }, headers: { cookie } });
    expect(deleted.statusCode).toBe(200);
    expect((await t.app.inject({ url: path })).statusCode).toBe(404);
  });
});
