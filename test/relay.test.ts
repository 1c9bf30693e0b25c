/**
 * The anonymous reply relay end to end: a reply from the ad page, its confirmation, the poster's
 * answer by mail through the real SMTP listener (nodemailer as the client), the thread page,
 * screening, block, report, closing with the ad, purge; and hostile mail refused at the door.
 */
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailMessage } from '../src/mail/mailer.ts';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';
import { insertPublishedAd, startRelayMail } from './helpers/relay-rig.ts';

let t: TestApp;
let client: Transporter;

const POSTER = 'poster@example.com';
const REPLIER = 'replier@example.org';
const ALIAS = /^reply-[a-z2-7]{16}@relay\.corkboard\.localhost$/;

let mail: Awaited<ReturnType<typeof startRelayMail>>;

beforeAll(async () => {
  t = await createTestApp();
  mail = await startRelayMail(t);
  client = mail.client;
});
afterAll(async () => {
  await mail?.close();
  await t?.close();
});

/** A browser: keeps cookies between requests. */
function browser() {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    async get(url: string) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: cookie() } });
      for (const c of res.cookies) jar.set(c.name, c.value);
      return res;
    },
    async post(url: string, form: Record<string, string>, from: string) {
      const page = await this.get(from);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      expect(token, `csrf token on ${from}`).toBeTruthy();
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...form, _csrf: token! }).toString(),
      });
      for (const c of res.cookies) jar.set(c.name, c.value);
      return res;
    },
  };
}

function publishedAd(email = POSTER, title = 'Oak dining table with four chairs'): Promise<{ id: number; path: string }> {
  return insertPublishedAd(t, { email, title, body: 'Solid oak table, 180 cm, seats six.' });
}

function mailsTo(address: string): MailMessage[] {
  return t.mailer.sent.filter((m) => m.to === address);
}

/** Every byte of a mail that a recipient could read: headers, subject, body. */
const whole = (m: MailMessage) => JSON.stringify(m);

async function smtpError(send: Promise<unknown>): Promise<{ responseCode?: number; response?: string }> {
  try {
    await send;
  } catch (err) {
    return err as { responseCode?: number; response?: string };
  }
  throw new Error('the relay accepted a message it should have refused');
}

describe('anonymous reply relay', () => {
  let ad: { id: number; path: string };
  let replierBrowser: ReturnType<typeof browser>;
  let posterAlias: string; // the replier writes here
  let replierAlias: string; // the poster writes here
  let posterThreadPath: string;

  beforeAll(async () => {
    ad = await publishedAd();
    replierBrowser = browser();
  });

  it('shows a labelled reply form with CSRF on the ad page', async () => {
    const res = await replierBrowser.get(ad.path);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="reply-form"');
    expect(res.body).toMatch(/<label for="reply-message">/);
    expect(res.body).toMatch(/<label for="reply-email">/);
    expect(res.body).toContain('name="_csrf"');
  });

  it('keeps the input and explains a bad form', async () => {
    const res = await replierBrowser.post(`/reply/${ad.id}`, { message: 'Hello there', email: 'not-an-address' }, ad.path);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a valid e-mail address');
    expect(res.body).toContain('Hello there');
    expect(res.body).toContain('value="not-an-address"');
  });

  it('confirms a first reply by mail, then delivers it from a relay identity without the replier address', async () => {
    const res = await replierBrowser.post(`/reply/${ad.id}`, { message: 'Is the table still available? Write to me at replier@example.org', email: REPLIER }, ad.path);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="reply-check-mail"');
    expect(mailsTo(POSTER)).toHaveLength(0);
    const confirm = linkFrom(mailsTo(REPLIER).at(-1)!.text, '/replies/confirm/');
    const page = await replierBrowser.get(confirm);
    expect(page.body).toContain('Is the table still available?');
    const done = await replierBrowser.post(confirm, {}, confirm);
    expect(done.statusCode).toBe(303);
    expect(String(done.headers.location)).toMatch(/^\/replies\/\d+\/replier\/[\w-]+\?done=sent$/);

    const toPoster = mailsTo(POSTER);
    expect(toPoster).toHaveLength(1);
    const mail = toPoster[0]!;
    replierAlias = mail.headers!['Reply-To']!;
    expect(replierAlias).toMatch(ALIAS);
    expect(mail.headers!['Message-ID']).toMatch(/@relay\.corkboard\.localhost>$/);
    expect(whole(mail)).not.toContain(REPLIER);
    expect(mail.text).toContain('Is the table still available?');
    expect(mail.text).toContain(`Write to me at ${replierAlias}`);
    expect(mail.text).toMatch(/Account: none, e-mail confirmed on \d{4}-\d\d-\d\d/);
    expect(mail.text).toContain('E-mail verified: yes · Phone verified: no');
    expect(mail.text).toContain('Ads replied to in the last day: 1');
    expect(mail.text).toContain('Blocked by other posters: no');
    expect(mail.text).not.toMatch(/<img|<a |utm_|track/i);
    posterThreadPath = linkFrom(mail.text, '/replies/');
    // Confirming twice delivers once.
    await replierBrowser.post(confirm, {}, ad.path);
    expect(mailsTo(POSTER)).toHaveLength(1);
  });

  it('forwards the poster answer by mail through the SMTP listener, without the poster address', async () => {
    await client.sendMail({
      from: `Pat Poster <${POSTER}>`,
      to: replierAlias,
      subject: 'Re: your reply',
      text: `Yes, still available. Come Saturday.\n\n-- \nPat, ${POSTER}\n\nOn Monday ${replierAlias} wrote:\n> Is the table still available?`,
      headers: { 'X-Originating-IP': '[203.0.113.9]' },
    });
    const toReplier = mailsTo(REPLIER).filter((m) => m.text.includes('Come Saturday'));
    expect(toReplier).toHaveLength(1);
    const mail = toReplier[0]!;
    posterAlias = mail.headers!['Reply-To']!;
    expect(posterAlias).toMatch(ALIAS);
    expect(posterAlias).not.toBe(replierAlias);
    expect(whole(mail)).not.toContain(POSTER);
    expect(whole(mail)).not.toContain('203.0.113.9');
    expect(whole(mail)).not.toContain('Pat Poster');
    expect(mail.text).toContain('> Is the table still available?');
  });

  it('forwards the replier answer by mail to the poster', async () => {
    await client.sendMail({ from: REPLIER, to: posterAlias, subject: 'Re', text: 'Great, see you Saturday at 10.' });
    const mail = mailsTo(POSTER).at(-1)!;
    expect(mail.text).toContain('see you Saturday at 10');
    expect(whole(mail)).not.toContain(REPLIER);
    expect(mail.headers!['Reply-To']).toBe(replierAlias);
  });

  it('turns HTML-only mail into text and drops attachments with a note', async () => {
    await client.sendMail({
      from: POSTER,
      to: replierAlias,
      subject: 'photos',
      html: '<p>Here are <b>three photos</b> of the table.</p><img src="https://tracker.example/p.gif">',
      attachments: [1, 2, 3].map((i) => ({ filename: `photo${i}.jpg`, content: Buffer.from(`jpeg ${i}`) })),
    });
    const mail = mailsTo(REPLIER).at(-1)!;
    expect(mail.text).toContain('three photos');
    expect(mail.text).not.toContain('<b>');
    expect(mail.text).not.toContain('tracker.example');
    expect(mail.text).toContain('3 attachments were removed');
  });

  it('shows both sides and the screening facts on the thread page', async () => {
    const poster = browser();
    const res = await poster.get(posterThreadPath);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Is the table still available?');
    expect(res.body).toContain('Come Saturday');
    expect(res.body).toContain('id="screening"');
    expect(res.body).toContain('Account: none, e-mail confirmed on');
    expect(res.body).not.toContain(REPLIER);
    // The poster answers on the site.
    const sent = await poster.post(`${posterThreadPath}/send`, { message: 'Bring a van, it is heavy.' }, posterThreadPath);
    expect(sent.statusCode).toBe(303);
    expect(mailsTo(REPLIER).at(-1)!.text).toContain('Bring a van');
    const replierPage = await browser().get(linkFrom(mailsTo(REPLIER).at(-1)!.text, '/replies/'));
    expect(replierPage.body).toContain('Bring a van');
    expect(replierPage.body).not.toContain('id="screening"');
    expect(replierPage.body).not.toContain(POSTER);
    // A tampered link shows nothing.
    const bad = await browser().get(posterThreadPath.replace(/\/[\w-]+$/, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    expect(bad.statusCode).toBe(404);
  });

  it('a confirmed browser replies again from the ad page without a new confirmation', async () => {
    const before = mailsTo(REPLIER).length;
    const res = await replierBrowser.post(`/reply/${ad.id}`, { message: 'One more question: is it scratched?', email: REPLIER }, ad.path);
    expect(res.statusCode).toBe(303);
    expect(mailsTo(REPLIER)).toHaveLength(before);
    expect(mailsTo(POSTER).at(-1)!.text).toContain('is it scratched?');
    // Another browser using the same address must confirm: nobody writes in someone else's name.
    const other = await browser().post(`/reply/${ad.id}`, { message: 'Impersonating', email: REPLIER }, ad.path);
    expect(other.body, other.body.slice(-600)).toContain('id="reply-check-mail"');
    expect(mailsTo(POSTER).at(-1)!.text).not.toContain('Impersonating');
  });

  it('refuses forged relay addresses and senders who are not the thread participant', async () => {
    const count = t.mailer.sent.length;
    const unknown = await smtpError(client.sendMail({ from: POSTER, to: 'reply-aaaaaaaaaaaaaaaa@relay.corkboard.localhost', subject: 'x', text: 'x' }));
    expect(unknown.responseCode).toBe(550);
    expect(unknown.response).toContain('No such relay address');
    const otherDomain = await smtpError(client.sendMail({ from: POSTER, to: replierAlias.replace('relay.corkboard.localhost', 'example.net'), subject: 'x', text: 'x' }));
    expect(otherDomain.responseCode).toBe(550);
    const stranger = await smtpError(client.sendMail({ from: 'stranger@evil.test', to: replierAlias, subject: 'x', text: 'Pay me first' }));
    expect(stranger.responseCode).toBe(550);
    expect(stranger.response).toContain('does not accept mail from your address');
    // The replier cannot use the poster's side either.
    const wrongSide = await smtpError(client.sendMail({ from: REPLIER, to: replierAlias, subject: 'x', text: 'x' }));
    expect(wrongSide.responseCode).toBe(550);
    expect(t.mailer.sent.length).toBe(count);
  });

  it('refuses oversized mail with 552', async () => {
    const count = t.mailer.sent.length;
    const err = await smtpError(client.sendMail({ from: POSTER, to: replierAlias, subject: 'big', text: 'x'.repeat(1_500_000) }));
    expect(err.responseCode).toBe(552);
    expect(t.mailer.sent.length).toBe(count);
  });

  it('refuses 50 attachments', async () => {
    const count = t.mailer.sent.length;
    const attachments = Array.from({ length: 50 }, (_, i) => ({ filename: `f${i}.txt`, content: `file ${i}` }));
    const err = await smtpError(client.sendMail({ from: POSTER, to: replierAlias, subject: 'many', text: 'see files', attachments }));
    expect(err.responseCode).toBe(552);
    expect(err.response).toContain('Too many attachments');
    expect(t.mailer.sent.length).toBe(count);
  });

  it('refuses malformed MIME clearly, or recovers its text, and keeps running', async () => {
    const count = t.mailer.sent.length;
    const broken = [
      `From: ${POSTER}\r\nTo: ${replierAlias}\r\nSubject: broken\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@ not base64 !!!\r\n--zz\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01\x02`,
      `From: ${POSTER}\r\nContent-Type: multipart/alternative\r\n\r\n`,
      '\x00\xff\xfe garbage without headers',
    ];
    for (const raw of broken) {
      try {
        await client.sendMail({ envelope: { from: POSTER, to: [replierAlias] }, raw });
      } catch (err) {
        const e = err as { responseCode?: number; response?: string };
        expect(e.responseCode).toBeGreaterThanOrEqual(500);
        expect(e.response).toMatch(/5\.\d\.\d /);
      }
    }
    // Anything delivered went to the replier only, as text, and without the poster's address.
    for (const m of t.mailer.sent.slice(count)) {
      expect(m.to).toBe(REPLIER);
      expect(whole(m)).not.toContain(POSTER);
    }
    await client.sendMail({ from: POSTER, to: replierAlias, subject: 'still here', text: 'The listener survived.' });
    expect(mailsTo(REPLIER).at(-1)!.text).toContain('The listener survived.');
  });

  it('drops auto-replies so vacation robots cannot loop', async () => {
    const count = t.mailer.sent.length;
    await client.sendMail({ from: POSTER, to: replierAlias, subject: 'Out of office', text: 'I am away', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(t.mailer.sent.length).toBe(count);
  });

  it('a block silently stops the replier on all of the poster ads, and other posters see it', async () => {
    const poster = browser();
    const blocked = await poster.post(`${posterThreadPath}/block`, { confirm: 'yes' }, posterThreadPath);
    expect(blocked.statusCode).toBe(303);
    const count = mailsTo(POSTER).length;
    // By mail: accepted (no error for the sender), never delivered.
    await client.sendMail({ from: REPLIER, to: posterAlias, subject: 'Re', text: 'Why do you not answer?' });
    // From the ad page: looks sent to the replier.
    const web = await replierBrowser.post(`/reply/${ad.id}`, { message: 'Hello again??', email: REPLIER }, ad.path);
    expect(web.statusCode).toBe(303);
    const replierView = await replierBrowser.get(String(web.headers.location));
    expect(replierView.body).toContain('Hello again??');
    // On another ad of the same poster: confirmation looks normal, nothing arrives.
    const second = await publishedAd(POSTER, 'Walnut bookcase');
    await replierBrowser.post(`/reply/${second.id}`, { message: 'Bookcase?', email: REPLIER }, second.path);
    const confirm = linkFrom(mailsTo(REPLIER).at(-1)!.text, '/replies/confirm/');
    const done = await replierBrowser.post(confirm, {}, confirm);
    expect(done.statusCode).toBe(303);
    expect(mailsTo(POSTER)).toHaveLength(count);
    const posterPage = await poster.get(posterThreadPath);
    expect(posterPage.body).not.toContain('Why do you not answer?');
    expect(posterPage.body).not.toContain('Hello again??');

    // Another poster sees the block count next to this replier.
    const other = await publishedAd('other-poster@example.com', 'Bike for sale');
    const r = await replierBrowser.post(`/reply/${other.id}`, { message: 'Bike?', email: REPLIER }, other.path);
    const link = r.statusCode === 303 ? null : linkFrom(mailsTo(REPLIER).at(-1)!.text, '/replies/confirm/');
    if (link) await replierBrowser.post(link, {}, link);
    const mail = mailsTo('other-poster@example.com').at(-1)!;
    expect(mail.text).toContain('Blocked by other posters: yes, by 1');
    expect(mail.text).toContain('Ads replied to in the last day: 3');
  });

  it('a report creates an open message report for moderation', async () => {
    const poster = browser();
    const res = await poster.post(`${posterThreadPath}/report`, { reason: 'harassment', details: 'Keeps writing after I said no' }, posterThreadPath);
    expect(res.statusCode).toBe(303);
    const open = await t.ctx.relay.listOpenMessageReports();
    expect(open).toHaveLength(1);
    expect(open[0]!.report).toMatchObject({ reason: 'harassment', reporterSide: 'poster', details: 'Keeps writing after I said no', state: 'open' });
    expect(open[0]!.thread.adId).toBe(ad.id);
    const bad = await poster.post(`${posterThreadPath}/report`, { reason: 'nonsense' }, posterThreadPath);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose a reason');
  });

  it('counts replies per ad', async () => {
    const counts = await t.ctx.relay.replyCountsByAd([ad.id, 999_999]);
    expect(counts.get(ad.id)).toBe(1);
    expect(counts.get(999_999)).toBe(0);
  });

  it('closes the relay when the ad is deleted, keeps the thread readable, then purges it after 30 days', async () => {
    expect(await t.ctx.ads.transition(ad.id, ['published'], 'deleted', { kind: 'deleted', automated: false }, { deletedAt: t.clock.now })).toBe(true);
    const count = t.mailer.sent.length;
    const closed = await smtpError(client.sendMail({ from: POSTER, to: replierAlias, subject: 'Re', text: 'Sold, sorry' }));
    expect(closed.responseCode).toBe(550);
    expect(closed.response).toContain('has ended');
    expect(t.mailer.sent.length).toBe(count);
    const reply = await browser().get(`/reply/${ad.id}`);
    expect(reply.statusCode).toBe(410);
    const poster = browser();
    const page = await poster.get(posterThreadPath);
    expect(page.body).toContain('id="relay-closed"');
    expect(page.body).toContain('Come Saturday');
    expect(page.body).not.toContain('id="answer-form"');

    await t.ctx.relay.purgeOldThreads(t.clock.now);
    t.clock.advanceHours(24 * 31);
    const result = await t.ctx.relay.purgeOldThreads(t.clock.now);
    expect(result.purged).toBeGreaterThanOrEqual(1);
    const after = await poster.get(posterThreadPath);
    expect(after.body).toContain('id="purged"');
    expect(after.body).not.toContain('Come Saturday');
  });
});
