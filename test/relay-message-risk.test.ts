/**
 * Scam warnings in the relay (issue 11 item 7): a reply from the ad page, a poster's answer on the
 * thread page and a reply by mail through the SMTP listener are each checked (src/messaging/message-risk.ts);
 * a risky one is delivered with a warning at the top of the mail and on the reader's thread page, its
 * risk kinds are stored with it, and the poster's facts about the replier count it. Ordinary replies are untouched.
 */
import { eq } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayMessages } from '../src/db/schema.ts';
import type { MailMessage } from '../src/mail/mailer.ts';
import { createTestApp, linkFrom, type TestApp } from './helpers/test-app.ts';
import { formClient } from './helpers/staff-sign-in.ts';
import { insertPublishedAd, startRelayMail } from './helpers/relay-rig.ts';

let t: TestApp;
let client: Transporter;

const POSTER = 'seller@example.com';
const SCAMMER = 'buyer@example.org';
const HONEST = 'neighbour@example.net';

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

function publishedAd(): Promise<{ id: number; path: string }> {
  return insertPublishedAd(t, { email: POSTER, title: 'Walnut bookcase', body: 'Five shelves, 190 cm tall.' });
}

const mailsTo = (address: string): MailMessage[] => t.mailer.sent.filter((m) => m.to === address);

async function storedRisk(text: string): Promise<string[]> {
  const rows = await t.ctx.database.db.select({ body: relayMessages.body, riskKinds: relayMessages.riskKinds }).from(relayMessages);
  const row = rows.find((r) => r.body.includes(text));
  expect(row, `stored message containing "${text}"`).toBeTruthy();
  return row!.riskKinds;
}

/** A first reply from the ad page, confirmed through the mailed link; returns the poster's mail. */
async function replyAndConfirm(ad: { id: number; path: string }, from: string, message: string) {
  const b = formClient(t);
  const res = await b.post(`/reply/${ad.id}`, { message, email: from }, ad.path);
  expect(res.body).toContain('id="reply-check-mail"');
  const confirm = linkFrom(mailsTo(from).at(-1)!.text, '/replies/confirm/');
  const done = await b.post(confirm, {}, confirm);
  expect(done.statusCode).toBe(303);
  return { mail: mailsTo(POSTER).at(-1)!, replierPath: String(done.headers.location).replace(/\?.*$/, '') };
}

describe('scam warnings in the relay', () => {
  let ad: { id: number; path: string };
  let posterPath: string;
  let replierPath: string;
  let posterAlias: string;

  beforeAll(async () => {
    ad = await publishedAd();
  });

  it('delivers an ordinary reply as before: no warning, no stored risk', async () => {
    const { mail } = await replyAndConfirm(ad, HONEST, 'Hello! I can pay cash on pickup. My phone number is 312 555 0188.');
    expect(mail.text.startsWith('Someone replied to your ad on Corkboard')).toBe(true);
    expect(mail.text).not.toContain('Warning:');
    expect(mail.text).toContain('Messages with a scam warning: none');
    expect(await storedRisk('I can pay cash on pickup')).toEqual([]);
  });

  it('warns the poster at the top of the mail about an SMS code and a look-alike delivery link, and stores the kinds', async () => {
    const message = 'Hi, I buy it. My courier will collect: confirm at https://corkb\u043Eard-delivery.com/secure and send me the 6-digit c\u200Bode you receive by SMS.';
    const { mail, replierPath: path } = await replyAndConfirm(ad, SCAMMER, message);
    replierPath = path;
    expect(mail.text).toMatch(/^Warning: this message asks for a code sent to you by SMS\. Corkboard never asks for codes/);
    expect(mail.text).toContain('It also contains a link to a site that is not Corkboard');
    expect(mail.text.indexOf('Warning:')).toBeLessThan(mail.text.indexOf('I buy it'));
    expect(mail.text).toContain('Messages with a scam warning: 1 (asked for an SMS code, payment or delivery link)');
    expect((await storedRisk('My courier will collect')).sort()).toEqual(['payment_or_delivery_link', 'verification_code']);
    posterPath = linkFrom(mail.text, '/replies/');
  });

  it('shows the warning above the message on the poster thread page, with the count in the facts; not to its sender', async () => {
    const page = await formClient(t).get(posterPath);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/class="notice warn relay-warning" id="warning-\d+" role="alert"><p>Warning: this message asks for a code sent to you by SMS/);
    expect(page.body).toContain('Messages with a scam warning: 1 (asked for an SMS code, payment or delivery link)');
    const own = await formClient(t).get(replierPath);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('My courier will collect');
    expect(own.body).not.toContain('relay-warning');
  });

  it('warns the replier about a poster answer on the thread page that offers to overpay', async () => {
    const poster = formClient(t);
    const sent = await poster.post(`${posterPath}/send`, { message: 'My bank will send more than the price; please refund the difference by Western Union.' }, posterPath);
    expect(sent.statusCode).toBe(303);
    const mail = mailsTo(SCAMMER).at(-1)!;
    posterAlias = mail.headers!['Reply-To']!; // the scammer answers the poster here
    expect(mail.text).toMatch(/^Warning: this message offers to pay more than the price/);
    expect(mail.text).toContain('asks for payment outside Corkboard');
    expect((await storedRisk('My bank will send more')).sort()).toEqual(['off_platform_payment', 'overpayment']);
    const replierPage = await formClient(t).get(replierPath);
    expect(replierPage.body).toContain('relay-warning');
  });

  it('warns about a reply by mail through the SMTP listener and counts it in the poster facts', async () => {
    await client.sendMail({ from: SCAMMER, to: posterAlias, subject: 'Re', text: 'Pay the fee by g1ft cards, and message me on WhatsApp asap.' });
    const mail = mailsTo(POSTER).at(-1)!;
    expect(mail.text).toContain('g1ft cards');
    expect(mail.text).toMatch(/^Warning: this message asks for payment outside Corkboard/);
    expect(mail.text).toContain('It also urges you to continue on a messenger');
    expect(mail.text).toContain('Messages with a scam warning: 2 (asked for an SMS code, payment or delivery link, asked to pay off the site, pushed to a messenger)');
    expect((await storedRisk('g1ft cards')).sort()).toEqual(['moving_off_site', 'off_platform_payment']);
  });

  it('stores the kinds of a message that waits for its confirmation', async () => {
    const b = formClient(t);
    await b.post(`/reply/${ad.id}`, { message: 'Unconfirmed: tell me the verification code', email: 'someone-else@example.net' }, ad.path);
    const [row] = await t.ctx.database.db.select().from(relayMessages).where(eq(relayMessages.state, 'pending'));
    expect(row?.riskKinds).toEqual(['verification_code']);
  });
});
