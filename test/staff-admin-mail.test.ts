/**
 * /staff/admin/mail through the real app (PGlite, or PostgreSQL with TEST_DATABASE_URL): admins see
 * how much mail waits in the outbox, which mails were given up and why, and retry one (CSRF form,
 * audited, no JavaScript); the delivery job then sends it once. Moderators and strangers get nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/client.ts';
import { GIVE_UP_ATTEMPTS, MailOutbox } from '../src/mail/mail-outbox.ts';
import type { MailMessage } from '../src/mail/mailer.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { browser, staffAccount, type Browser } from './helpers/staff-client.ts';
import { quietPoolShutdown } from './moderation-helpers.ts';

let t: TestApp;
let admin: Browser;
let moderator: Browser;

const PAGE = '/staff/admin/mail';
const DAY = 86_400_000;
/** An admin page that always has a form (for a CSRF token when the mail page has none: nothing given up). */
const FORM_PAGE = '/staff/admin/categories';

/** A committed outbox row that failed GIVE_UP_ATTEMPTS times over more than three days, and was given up. */
async function givenUpMail(message: MailMessage, error = '550 5.1.1 mailbox unavailable'): Promise<number> {
  const id = await t.ctx.database.db.transaction(async (tx) => t.ctx.mailOutbox.enqueue(tx as unknown as Db, message));
  await t.ctx.database.query('update mail_outbox set created_at = $2, attempts = $3 where id = $1', [id, new Date(t.clock.now.getTime() - 4 * DAY), GIVE_UP_ATTEMPTS - 1]);
  const refusing = new MailOutbox({ database: t.ctx.database, mailer: { send: async () => Promise.reject(new Error(error)) }, now: () => t.clock.now, retentionDays: 180 });
  expect(await refusing.deliver([id])).toMatchObject({ failed: 1, gaveUp: 1 });
  return id;
}

const sentTo = (to: string) => t.mailer.sent.filter((m) => m.to === to);

beforeAll(async () => {
  t = await createTestApp();
  quietPoolShutdown(t.ctx.database);
  admin = await staffAccount(t, 'mail-admin@example.com', 'admin');
  moderator = await staffAccount(t, 'mail-mod@example.com', 'moderator');
}, 180_000); // the machine is shared: setup (app, sign-ups, two-factor) can take a while under load
afterAll(async () => t?.close());

describe('the mail outbox page', () => {
  it('shows admins the waiting and given-up mail with its newest errors, from the admin home page', async () => {
    const home0 = await admin.get('/staff/admin');
    expect(home0.body).toContain(`href="${PAGE}"`);
    expect(home0.body).not.toContain('id="mail-given-up"');

    const id = await givenUpMail({ to: 'unreachable-poster@example.com', subject: 'Decision about your ad: Walnut side table', text: 'statement of reasons' });
    // And one still being retried.
    const failing = await t.ctx.database.db.transaction(async (tx) => t.ctx.mailOutbox.enqueue(tx as unknown as Db, { to: 'slow-server@example.org', subject: 'We received your report (reference N-1)', text: 'receipt' }));
    await new MailOutbox({ database: t.ctx.database, mailer: { send: async () => Promise.reject(new Error('421 4.7.0 try again later')) }, now: () => t.clock.now, retentionDays: 180 }).deliver([failing]);

    const home = await admin.get('/staff/admin');
    expect(home.body).toContain('id="mail-given-up"');
    expect(home.body).toMatch(/<span id="mail-counts">\d+ waiting to be sent \(1 failing\), 1 given up<\/span>/);

    const page = await admin.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<dd data-count="given-up">1</dd>');
    expect(page.body).toContain('<dd data-count="failing">1</dd>');
    const givenUp = /<table class="staff" id="given-up">[\s\S]*?<\/table>/.exec(page.body)![0];
    expect(givenUp).toContain(`data-mail="${id}"`);
    expect(givenUp).toContain('unreachable-poster@example.com');
    expect(givenUp).toContain(`gave up after ${GIVE_UP_ATTEMPTS} attempts: 550 5.1.1 mailbox unavailable`);
    expect(givenUp).toContain(`action="/staff/admin/mail/${id}/retry"`);
    const retrying = /<table class="staff" id="retrying">[\s\S]*?<\/table>/.exec(page.body)![0];
    expect(retrying).toContain('slow-server@example.org');
    expect(retrying).toContain('421 4.7.0 try again later');
    expect(retrying).not.toContain('/retry"');
  });

  it('lets an admin retry a given-up mail: audited, sent once by the next job run, gone from the page', async () => {
    const to = 'retry-me@example.com';
    const id = await givenUpMail({ to, subject: 'Decision about your ad: Oak chest', text: 'statement of reasons' });
    const res = await admin.post(`${PAGE}/${id}/retry`, {}, FORM_PAGE);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=retried`);
    expect((await admin.get(res.headers.location as string)).body).toContain('Queued again');
    const [entry] = await t.ctx.moderation.audit.entriesFor('mail_outbox', id);
    expect(entry).toMatchObject({ actor: `user:${admin.id}`, action: 'mail.retried', details: { subject: 'Decision about your ad: Oak chest', attempts: GIVE_UP_ATTEMPTS } });

    // Asked again before the job ran: it is no longer given up.
    const again = await admin.post(`${PAGE}/${id}/retry`, {}, FORM_PAGE);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain(`Mail ${id} is no longer given up`);

    await t.ctx.mailOutbox.runJob();
    await t.ctx.mailOutbox.runJob();
    expect(sentTo(to)).toHaveLength(1);
    expect((await t.ctx.mailOutbox.byId(id))!.sentAt).not.toBeNull();
    expect((await admin.get(PAGE)).body).not.toContain(`data-mail="${id}"`);
    expect(await t.ctx.moderation.audit.entriesFor('mail_outbox', id)).toHaveLength(1);
  });

  it('gives a retried mail up again, with the new error, when its one more try fails', async () => {
    const to = 'still-broken@example.com';
    const id = await givenUpMail({ to, subject: 'Outcome of your appeal (reference A-9)', text: 'outcome' });
    expect((await admin.post(`${PAGE}/${id}/retry`, {}, FORM_PAGE)).statusCode).toBe(303);
    const down = new MailOutbox({ database: t.ctx.database, mailer: { send: async () => Promise.reject(new Error('554 5.7.1 relay access denied')) }, now: () => t.clock.now, retentionDays: 180 });
    expect(await down.deliverDue()).toMatchObject({ gaveUp: 1 });
    const row = (await t.ctx.mailOutbox.byId(id))!;
    expect(row.lastError).toBe(`gave up after ${GIVE_UP_ATTEMPTS + 1} attempts: 554 5.7.1 relay access denied`);
    expect((await admin.get(PAGE)).body).toContain(`data-mail="${id}"`);
  });

  it('counts given-up mail on the metrics page and in the Prometheus metrics, for every staff role, without addresses', async () => {
    const givenUp = (await t.ctx.mailOutbox.counts()).givenUp;
    expect(givenUp).toBeGreaterThan(0);
    const prom = await moderator.get('/staff/metrics.prom');
    expect(prom.statusCode).toBe(200);
    expect(prom.body).toContain('# TYPE corkboard_mail_outbox_given_up gauge');
    expect(prom.body).toMatch(new RegExp(`^corkboard_mail_outbox_given_up ${givenUp}$`, 'm'));
    expect(prom.body).toMatch(/^corkboard_mail_outbox_pending \d+$/m);
    const page = await moderator.get('/staff/metrics');
    expect(page.body).toContain(`<strong>${givenUp}</strong> given up (an admin can retry them)`);
    expect(page.body).not.toContain('still-broken@example.com');
    expect((await admin.get('/staff/metrics')).body).toContain('href="/staff/admin/mail"');
  });

  it('retries all given-up mail at once after an outage, with one audit entry, and the job sends each once', async () => {
    const ids = [
      await givenUpMail({ to: 'outage-a@example.com', subject: 'Decision about your ad: Teak stool', text: 'statement' }),
      await givenUpMail({ to: 'outage-b@example.com', subject: 'Outcome of your report (reference N-7)', text: 'outcome' }),
    ];
    const before = (await t.ctx.mailOutbox.counts()).givenUp;
    const page = await admin.get(PAGE);
    expect(page.statusCode, page.body.slice(0, 3000)).toBe(200);
    expect(page.body).toContain(`Retry all ${before} given-up mails`);
    const res = await admin.post(`${PAGE}/retry-given-up`, {}, FORM_PAGE);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=retried_all&n=${before}`);
    expect((await admin.get(res.headers.location as string)).body).toContain(`${before} given-up mails queued again`);
    expect((await t.ctx.mailOutbox.counts()).givenUp).toBe(0);
    const [entry] = await t.ctx.moderation.audit.entriesFor('mail_outbox', 'given_up');
    expect(entry).toMatchObject({ actor: `user:${admin.id}`, action: 'mail.retried_all', details: { count: before } });
    expect((entry!.details as { ids: number[] }).ids).toEqual(expect.arrayContaining(ids));

    await t.ctx.mailOutbox.runJob();
    await t.ctx.mailOutbox.runJob();
    expect(sentTo('outage-a@example.com')).toHaveLength(1);
    expect(sentTo('outage-b@example.com')).toHaveLength(1);
    // Nothing left to retry: said so, nothing audited.
    const none = await admin.post(`${PAGE}/retry-given-up`, {}, FORM_PAGE);
    expect(none.statusCode).toBe(409);
    expect(none.body).toContain('No mail is given up right now');
    expect(await t.ctx.moderation.audit.entriesFor('mail_outbox', 'given_up')).toHaveLength(1);
  });

  it('answers 404 for a mail that does not exist', async () => {
    expect((await admin.post(`${PAGE}/999999/retry`, {}, FORM_PAGE)).statusCode).toBe(404);
  });

  it('refuses moderators (admins only) and strangers (the staff 404), and retries nothing for them', async () => {
    const id = await givenUpMail({ to: 'secret-recipient@example.com', subject: 'Decision about your ad: Pine bench', text: 'statement' });
    const modPage = await moderator.get(PAGE);
    expect(modPage.statusCode).toBe(403);
    expect(modPage.body).not.toContain('secret-recipient@example.com');
    expect((await moderator.post(`${PAGE}/${id}/retry`, {}, '/staff/queue')).statusCode).toBe(403);
    const stranger = browser(t);
    const page = await stranger.get(PAGE);
    expect(page.statusCode).toBe(404);
    expect(page.body).toBe((await stranger.get(PAGE.replace('/staff/', '/staffx/'))).body);
    expect((await stranger.post(`${PAGE}/${id}/retry`, {}, '/signup')).statusCode).toBe(404);
    expect(await t.ctx.moderation.audit.entriesFor('mail_outbox', id)).toEqual([]);
    expect((await t.ctx.mailOutbox.failedRows('given_up')).map((r) => r.id)).toContain(id);
  });
});
