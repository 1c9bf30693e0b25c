/**
 * The mail outbox (src/mail/mail-outbox.ts) on PGlite and (with TEST_DATABASE_URL) PostgreSQL:
 * moderation mail is written with the decision, so a failed or interrupted send never loses it; the
 * delivery job retries with back-off and sends each row once; sent rows are purged after retention.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../src/db/client.ts';
import { GAVE_UP_AT, MailOutboxRepository } from '../src/mail/mail-outbox.repository.ts';
import { CLAIM_MS, GIVE_UP_AFTER_MS, GIVE_UP_ATTEMPTS, MailOutbox, retryDelay } from '../src/mail/mail-outbox.ts';
import type { Mailer, MailMessage } from '../src/mail/mailer.ts';
import { bookcase, csrfOf, postAdDirect, submitAd } from './helpers/post-ad.ts';
import { linkFrom, type TestApp } from './helpers/test-app.ts';
import { moderationTestApp } from './moderation-helpers.ts';

let t: TestApp;
let n = 0;
const MINUTE = 60_000;

beforeAll(async () => {
  t = await moderationTestApp();
});
afterAll(async () => t?.close());
afterEach(() => vi.restoreAllMocks());

async function postAd(): Promise<{ id: number; email: string }> {
  n++;
  const ad = { ...bookcase, title: `Oak dining table ${n}`, body: 'Oak dining table for six, some marks on the top. Pick up only.', price: '150', email: `outbox-poster${n}@example.com` };
  const { id, email } = await postAdDirect(t, ad, { ip: `198.51.100.${n}` });
  return { id, email };
}

function notice(adId: number, email: string) {
  return t.ctx.moderation.notices.submit(
    { ad: String(adId), category: 'illegal', explanation: 'The ad offers an item that may not be sold here.', url: 'http://localhost:3000/x', name: 'N. Notifier', email, good_faith: 'on' },
    null,
  );
}

async function claimItemOf(adId: number, moderatorId: number) {
  const item = (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.state === 'open')!;
  expect(await t.ctx.moderation.repo.claim(item.id, moderatorId, t.clock.now)).toBeDefined();
  return item.id;
}

/** The outbox rows to `address`, those whose subject starts with `subject` when given. */
async function rowsTo(address: string, subject = '') {
  const rows = await t.ctx.database.query<{ id: number; attempts: number; sent_at: Date | null; next_attempt_at: Date; last_error: string | null }>(
    `select id, attempts, sent_at, next_attempt_at, last_error from mail_outbox where message->>'to' = $1 and starts_with(message->>'subject', $2) order by id`,
    [address, subject],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), sent_at: r.sent_at && new Date(r.sent_at), next_attempt_at: new Date(r.next_attempt_at) }));
}

/** The subject of a moderator's decision mail to a poster (moderation-mails.ts). */
const DECISION = 'Decision about your ad';
const mailsTo = (address: string, subject: string) => t.mailer.sent.filter((m) => m.to === address && m.subject.startsWith(subject));

/** Another app node: its own outbox over the same database and mailer. */
const otherNode = (mailer: Mailer = t.mailer) => new MailOutbox({ database: t.ctx.database, mailer, now: () => t.clock.now, retentionDays: t.ctx.config.retentionDays });

async function enqueueCommitted(message: MailMessage): Promise<number> {
  return t.ctx.database.db.transaction(async (tx) => t.ctx.mailOutbox.enqueue(tx as unknown as Db, message));
}

describe('moderation mail through the outbox', () => {
  it('keeps a removal whose mails cannot be sent, and the job sends each of them once when SMTP is back', async () => {
    const ad = await postAd();
    const notifier = `notifier${n}@example.org`;
    await notice(ad.id, notifier);
    expect(mailsTo(notifier, 'We received your report')).toHaveLength(1);
    await claimItemOf(ad.id, 7001);

    const send = vi.spyOn(t.mailer, 'send').mockRejectedValue(new Error('451 4.3.0 try again later'));
    const decided = await t.ctx.moderation.decisions.decide((await t.ctx.moderation.repo.itemsOf(ad.id)).find((i) => i.state === 'open')!.id, 7001, { kind: 'remove', reason: 'prohibited_goods' });
    expect(send).toHaveBeenCalledTimes(2); // tried right after the commit
    send.mockRestore();

    // The decision stands: the ad is removed and its statement of reasons stored.
    expect((await t.ctx.ads.findById(ad.id))!.state).toBe('removed');
    expect(decided.statements).toHaveLength(1);
    expect(mailsTo(ad.email, 'Decision about your ad')).toHaveLength(0);
    const [pending] = await rowsTo(ad.email, DECISION);
    expect(pending).toMatchObject({ attempts: 1, sent_at: null, last_error: '451 4.3.0 try again later' });
    expect(pending!.next_attempt_at.getTime()).toBe(t.clock.now.getTime() + MINUTE);
    expect((await rowsTo(notifier)).filter((r) => r.sent_at === null)).toHaveLength(1);

    // Not due yet: nothing is sent before the back-off has passed.
    await t.ctx.mailOutbox.runJob();
    expect(mailsTo(ad.email, 'Decision about your ad')).toHaveLength(0);

    t.clock.advanceHours(1 / 60);
    await t.ctx.mailOutbox.runJob();
    await t.ctx.mailOutbox.runJob();
    const statements = mailsTo(ad.email, 'Decision about your ad');
    expect(statements).toHaveLength(1);
    expect(statements[0]!.text).toContain(decided.statements[0]);
    expect(mailsTo(notifier, 'Outcome of your report')).toHaveLength(1);
    expect((await rowsTo(ad.email, DECISION))[0]).toMatchObject({ attempts: 2, last_error: null });
    expect((await rowsTo(ad.email, DECISION))[0]!.sent_at).not.toBeNull();
  });

  it('answers a notice with 200 when the receipt cannot be sent, and mails the receipt later', async () => {
    const ad = await postAd();
    const page = await t.app.inject({ method: 'GET', url: `/report/notice?ad=${ad.id}` });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const notifier = `http-notifier${n}@example.org`;
    vi.spyOn(t.mailer, 'send').mockRejectedValue(new Error('connection refused'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/report/notice',
      payload: { _csrf: token, ad: String(ad.id), category: 'illegal', explanation: 'The ad offers an item that may not be sold here.', url: 'http://localhost:3000/x', name: 'H. Notifier', email: notifier, good_faith: 'on' },
      headers: { cookie },
    });
    vi.restoreAllMocks();
    expect(res.statusCode).toBe(200);
    const ref = /N-(\d+)/.exec(res.body)![1];
    expect(await rowsTo(notifier)).toMatchObject([{ attempts: 1, sent_at: null }]);
    t.clock.advanceHours(1 / 60);
    await t.ctx.mailOutbox.deliverDue();
    expect(mailsTo(notifier, 'We received your report')).toHaveLength(1);
    expect(t.mailer.lastTo(notifier)!.text).toContain(`N-${ref}`);
  });

  it('writes no mail when the decision rolls back', async () => {
    const ad = await postAd();
    await notice(ad.id, `rollback${n}@example.org`);
    const item = (await t.ctx.moderation.repo.itemsOf(ad.id)).find((i) => i.state === 'open')!;
    // Not claimed: the decision is refused inside its transaction.
    await expect(t.ctx.moderation.decisions.decide(item.id, 7002, { kind: 'remove', reason: 'spam' })).rejects.toThrow(/Claim this item/);
    expect(await rowsTo(ad.email, DECISION)).toEqual([]);
  });
});

describe('screening decisions at posting time', () => {
  /** Posts an ad through the form and confirms it from the mail, with `send` failing for the confirmation's decision mail. */
  async function postAndConfirmWhileSmtpFails(fields: { title: string; body: string; category?: string }, email: string) {
    const posted = await submitAd(t, { price: '90', country: 'united-states', city: 'chicago', category: 'furniture', contact_mode: 'relay', email, ...fields });
    expect(posted.statusCode).toBe(303);
    const confirmPath = linkFrom(t.mailer.lastTo(email)!.text, '/confirm/');
    const c = await csrfOf(t, confirmPath);
    const send = vi.spyOn(t.mailer, 'send').mockRejectedValue(new Error('421 4.7.0 too many connections'));
    const res = await t.app.inject({ method: 'POST', url: confirmPath, payload: { _csrf: c.token }, headers: { cookie: c.cookie } });
    expect(send).toHaveBeenCalledTimes(1); // tried right after the commit
    send.mockRestore();
    return { res, id: Number(confirmPath.split('/')[2]) };
  }

  it('shows the poster their live ad when the mail cannot be sent, and the job mails it once', async () => {
    const email = 'smtp-down-live@example.com';
    const { res, id } = await postAndConfirmWhileSmtpFails({ title: 'Pine bookshelf, three shelves', body: 'Pine bookshelf, 90 cm tall, three shelves. Pick up only.' }, email);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-state="published"');
    expect((await t.ctx.ads.findById(id))!.state).toBe('published');
    expect(mailsTo(email, 'Your ad is live')).toHaveLength(0);
    expect(await rowsTo(email, 'Your ad is live')).toMatchObject([{ attempts: 1, sent_at: null, last_error: '421 4.7.0 too many connections' }]);

    t.clock.advanceHours(1 / 60);
    await t.ctx.mailOutbox.runJob();
    await t.ctx.mailOutbox.runJob();
    expect(mailsTo(email, 'Your ad is live')).toHaveLength(1);
    expect(t.mailer.lastTo(email)!.text).toContain('/manage/');
    expect((await rowsTo(email, 'Your ad is live'))[0]!.sent_at).not.toBeNull();
  });

  it('keeps a rejection and its statement of reasons when the mail cannot be sent, and mails the statement later', async () => {
    const email = 'smtp-down-rejected@example.com';
    const { res, id } = await postAndConfirmWhileSmtpFails({ title: 'Fake IDs any state', body: 'Novelty ID cards, fake passports, fast delivery.', category: 'electronics' }, email);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-state="rejected"');
    const [statement] = await t.ctx.moderation.repo.statementsOf(id);
    expect(statement).toBeDefined();
    expect(await rowsTo(email, 'Your ad was not published')).toMatchObject([{ attempts: 1, sent_at: null }]);

    t.clock.advanceHours(1 / 60);
    await t.ctx.mailOutbox.runJob();
    await t.ctx.mailOutbox.runJob();
    const sent = mailsTo(email, 'Your ad was not published');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain(statement!.puid);
    expect(sent[0]!.text).toContain('/appeal/');
  });

  it('records nothing of the decision when its mail cannot be written: no rejection, no statement, no queue item', async () => {
    const email = 'outbox-down@example.com';
    const ip = '203.0.113.77';
    const { id } = await t.ctx.adService.post(
      { title: 'Fake IDs any state', body: 'Novelty ID cards, fake passports, fast delivery.', price: '20', city: 'chicago', category: 'electronics', contact_mode: 'relay', email },
      [],
      ip,
    );
    const token = linkFrom(t.mailer.lastTo(email)!.text, '/confirm/').split('/').pop()!;
    vi.spyOn(t.ctx.mailOutbox, 'enqueue').mockRejectedValue(new Error('disk full'));
    await expect(t.ctx.adService.confirm(id, token, ip)).rejects.toThrow('disk full');
    vi.restoreAllMocks();
    expect((await t.ctx.ads.findById(id))!.state).toBe('pending');
    expect(await t.ctx.moderation.repo.statementsOf(id)).toEqual([]);
    expect(await t.ctx.moderation.repo.itemsOf(id)).toEqual([]);
    expect(await rowsTo(email, 'Your ad')).toEqual([]);
  });
});

describe('delivery', () => {
  it('sends mail left pending by a crash between the commit and the send', async () => {
    const to = 'crash@example.org';
    await enqueueCommitted({ to, subject: 'Decision about your ad: crash', text: 'statement' });
    expect(mailsTo(to, 'Decision')).toHaveLength(0);
    const report = await t.ctx.mailOutbox.deliverDue();
    expect(report.sent).toBeGreaterThanOrEqual(1);
    expect(mailsTo(to, 'Decision')).toHaveLength(1);
    await t.ctx.mailOutbox.deliverDue();
    expect(mailsTo(to, 'Decision')).toHaveLength(1);
  });

  it('sends a row once when two nodes deliver it at the same time', async () => {
    const to = 'race@example.org';
    const id = await enqueueCommitted({ to, subject: 'Race', text: 'once' });
    // A slow SMTP hand-off, so both deliveries overlap.
    const slow = { send: async (m: MailMessage) => new Promise<void>((resolve) => setTimeout(() => resolve(void t.mailer.send(m)), 50)) };
    await Promise.all([otherNode(slow).deliver([id]), otherNode(slow).deliver([id]), otherNode(slow).deliverDue()]);
    expect(mailsTo(to, 'Race')).toHaveLength(1);
    expect(await rowsTo(to)).toMatchObject([{ attempts: 1 }]);
  });

  it('leaves a row claimed by a node that stalled until its claim runs out', async () => {
    const to = 'stalled@example.org';
    const id = await enqueueCommitted({ to, subject: 'Stalled', text: 'claimed elsewhere' });
    const repo = new MailOutboxRepository(t.ctx.database.db);
    expect(await repo.claim([id], t.clock.now, new Date(t.clock.now.getTime() + CLAIM_MS))).toHaveLength(1);
    await t.ctx.mailOutbox.deliver([id]);
    await t.ctx.mailOutbox.deliverDue();
    expect(mailsTo(to, 'Stalled')).toHaveLength(0);
    t.clock.advanceHours(CLAIM_MS / 3_600_000);
    await t.ctx.mailOutbox.deliverDue();
    expect(mailsTo(to, 'Stalled')).toHaveLength(1);
  });

  it('backs off exponentially from a minute, at most an hour', async () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((f) => retryDelay(f) / MINUTE)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    const to = 'backoff@example.org';
    const id = await enqueueCommitted({ to, subject: 'Backoff', text: 'retry' });
    const failing = otherNode({ send: async () => Promise.reject(new Error('mailbox unavailable')) });
    await failing.deliver([id]);
    t.clock.advanceHours(1 / 60);
    expect(await failing.deliverDue()).toMatchObject({ failed: 1 });
    const [row] = await rowsTo(to);
    expect(row).toMatchObject({ attempts: 2, sent_at: null, last_error: 'mailbox unavailable' });
    expect(row!.next_attempt_at.getTime()).toBe(t.clock.now.getTime() + 2 * MINUTE);
  });

  it('purges sent rows after the retention period and keeps pending ones', async () => {
    const sentId = await enqueueCommitted({ to: 'purge-sent@example.org', subject: 'Purge', text: 'sent' });
    await t.ctx.mailOutbox.deliver([sentId]);
    const pendingId = await enqueueCommitted({ to: 'purge-pending@example.org', subject: 'Purge', text: 'never sent' });
    await otherNode({ send: async () => Promise.reject(new Error('down')) }).deliver([pendingId]);
    const days = t.ctx.config.retentionDays;
    const repo = new MailOutboxRepository(t.ctx.database.db);
    await t.ctx.mailOutbox.purgeSent(new Date(t.clock.now.getTime() + (days - 1) * 86_400_000));
    expect(await repo.byId(sentId)).toBeDefined();
    await t.ctx.mailOutbox.purgeSent(new Date(t.clock.now.getTime() + days * 86_400_000 + MINUTE));
    expect(await repo.byId(sentId)).toBeUndefined();
    expect(await repo.byId(pendingId)).toBeDefined();
  });
});

describe('giving up on mail that keeps failing', () => {
  const HOUR = 60 * MINUTE;
  const refusing = () => otherNode({ send: async () => Promise.reject(new Error('550 5.1.1 mailbox unavailable')) });

  it('tries for three days, then gives the mail up: the job leaves it alone and counts it for the admins', async () => {
    const to = 'gone-for-good@example.org';
    const id = await enqueueCommitted({ to, subject: 'Decision about your ad: never delivered', text: 'statement' });
    const node = refusing();
    await node.deliver([id]);
    const start = t.clock.now.getTime();
    // The job every hour for three days (back-off is at most an hour, so the row is due each time).
    let gaveUpAt: number | null = null;
    for (let h = 1; h <= 80 && gaveUpAt === null; h++) {
      const report = await node.deliverDue(new Date(start + h * HOUR));
      if (report.gaveUp > 0) gaveUpAt = h;
    }
    expect(gaveUpAt, 'given up on the first failure after three days').toBe(GIVE_UP_AFTER_MS / HOUR);
    const [row] = await rowsTo(to);
    expect(row!.sent_at).toBeNull();
    expect(row!.attempts).toBe(GIVE_UP_AFTER_MS / HOUR + 1);
    expect(row!.last_error).toBe(`gave up after ${row!.attempts} attempts: 550 5.1.1 mailbox unavailable`);
    expect(row!.next_attempt_at.getTime()).toBe(GAVE_UP_AT.getTime());

    // Never due again, however late the job runs; counted apart from the mail still being tried.
    const tried: MailMessage[] = [];
    await otherNode({ send: async (m: MailMessage) => void tried.push(m) }).deliverDue(new Date(start + 400 * 24 * HOUR));
    expect(tried.filter((m) => m.to === to)).toHaveLength(0);
    expect((await t.ctx.mailOutbox.counts()).givenUp).toBeGreaterThanOrEqual(1);
    expect((await t.ctx.mailOutbox.failedRows('given_up')).map((r) => r.id)).toContain(id);
    expect((await t.ctx.mailOutbox.failedRows('retrying')).map((r) => r.id)).not.toContain(id);
  });

  it('gives up at once when the receiving server refuses the address for good, and retries a temporary refusal', async () => {
    const smtpError = (code: number, command: string) =>
      Object.assign(new Error(`Can't send mail - all recipients were rejected: ${code} 5.1.1 no such user`), { code: 'EENVELOPE', responseCode: code, permanent: code >= 500, command });
    const gone = await enqueueCommitted({ to: 'no-such-user@example.org', subject: 'Gone', text: 'statement' });
    expect(await otherNode({ send: async () => Promise.reject(smtpError(550, 'RCPT TO')) }).deliver([gone])).toMatchObject({ failed: 1, gaveUp: 1 });
    expect((await rowsTo('no-such-user@example.org'))[0]).toMatchObject({ attempts: 1, sent_at: null });
    expect((await rowsTo('no-such-user@example.org'))[0]!.last_error).toMatch(/^gave up after 1 attempts: .*550/);
    const busy = await enqueueCommitted({ to: 'mailbox-busy@example.org', subject: 'Busy', text: 'statement' });
    expect(await otherNode({ send: async () => Promise.reject(smtpError(452, 'RCPT TO')) }).deliver([busy])).toMatchObject({ failed: 1, gaveUp: 0 });
    // A permanent error of our own sending (authentication) is retried: it can be fixed.
    const auth = await enqueueCommitted({ to: 'auth-problem@example.org', subject: 'Auth', text: 'statement' });
    expect(await otherNode({ send: async () => Promise.reject(smtpError(535, 'AUTH PLAIN')) }).deliver([auth])).toMatchObject({ failed: 1, gaveUp: 0 });
  });

  it('does not give up on an old row before it was really tried, nor on a young one that failed often', async () => {
    const node = refusing();
    const old = await enqueueCommitted({ to: 'old-untried@example.org', subject: 'Old', text: 'written while no server ran the job' });
    await t.ctx.database.query('update mail_outbox set created_at = $2 where id = $1', [old, new Date(t.clock.now.getTime() - 5 * 24 * HOUR)]);
    const young = await enqueueCommitted({ to: 'young-failing@example.org', subject: 'Young', text: 'failing often, but today' });
    await t.ctx.database.query('update mail_outbox set attempts = $2 where id = $1', [young, GIVE_UP_ATTEMPTS + 5]);
    expect(await node.deliver([old, young])).toMatchObject({ failed: 2, gaveUp: 0 });
    // The old one gets GIVE_UP_ATTEMPTS tries in all before it is given up.
    for (let i = 2; i < GIVE_UP_ATTEMPTS; i++) expect(await node.deliver([old])).toMatchObject({ failed: 1, gaveUp: 0 });
    expect(await node.deliver([old])).toMatchObject({ failed: 1, gaveUp: 1 });
    expect((await rowsTo('old-untried@example.org'))[0]).toMatchObject({ attempts: GIVE_UP_ATTEMPTS, sent_at: null });
    expect((await rowsTo('young-failing@example.org'))[0]!.next_attempt_at.getTime()).toBeLessThan(GAVE_UP_AT.getTime());
  });
});
