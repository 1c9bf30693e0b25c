/**
 * Where moderation meets the other domains: a relay message report puts the ad in the review queue
 * with the reported thread on the staff review page, and deciding the item closes the reports; a
 * rescan hold is queued, gets a statement of reasons and an audit entry, and the poster is mailed;
 * a suspended replier's mail is dropped on the relay's one-statement check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineScreener } from '../src/listings/engine-screener.ts';
import { parseHashBankFile, pdqHash } from '../src/screening/images/index.ts';
import { HashBankStore } from '../src/screening-store/hash-banks.ts';
import { rescan } from '../src/screening-store/rescan.ts';
import { signInAsStaff } from './helpers/staff-sign-in.ts';
import { linkFrom, type TestApp } from './helpers/test-app.ts';
import { moderationTestApp } from './moderation-helpers.ts';
import { bookcase, patternImage, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let n = 0;

beforeAll(async () => {
  // Rescan and screening holds here are driven by the policy's rules, so the semantic model is off.
  t = await moderationTestApp({ SCREENING_MODEL: 'off' });
});
afterAll(async () => t?.close());

async function publishedAd(photos: Buffer[] = []): Promise<{ id: number; email: string }> {
  n++;
  const ad = { ...bookcase, title: `Walnut bookcase number ${n}`, email: `seam-poster${n}@example.com` };
  const { id, email, confirmed } = await postAdDirect(t, ad, { ip: `198.51.100.${n}`, photos: photos.map((data, i) => ({ filename: `p${i}.png`, data })) });
  expect(confirmed!.state).toBe('published');
  return { id, email };
}

/** A replier writes to the ad and confirms; returns the poster's signed thread path parts. */
async function conversation(adId: number, replier: string, message: string) {
  await t.ctx.relay.replyFromAdPage(adId, { message, email: replier }, '192.0.2.50', null);
  const [, messageId, token] = /\/replies\/confirm\/(\d+)\/([^\s/]+)/.exec(t.mailer.lastTo(replier)!.text)!;
  await t.ctx.relay.confirmMessage(Number(messageId), token!);
  const thread = (await t.ctx.relayRepository.findThreadFor(adId, replier))!;
  const token2 = t.ctx.relay.threadPath(thread, 'poster').split('/').pop()!;
  return { thread, token: token2, messageId: Number(messageId) };
}

describe('relay message reports in the review queue', () => {
  it('queues the ad once per open item, shows the reported thread to staff, and closes the reports with the decision', async () => {
    const ad = await publishedAd();
    const first = await conversation(ad.id, 'pushy@example.com', 'Answer me now or else, I know where the station is.');
    await t.ctx.relay.report(first.thread.id, 'poster', first.token, { reason: 'harassment', details: 'Threatening tone', message_id: String(first.messageId) });

    const items = await t.ctx.database.query<{ id: number; source: string; priority: number; label: string; state: string }>(
      `select id, source, priority, label, state from review_items where ad_id = $1`,
      [ad.id],
    );
    expect(items).toEqual([{ id: expect.any(Number), source: 'message_report', priority: 2, label: 'harassment', state: 'open' }]);

    // A second report on another conversation of the same ad joins the same open item.
    const second = await conversation(ad.id, 'advertiser@example.com', 'Cheap watches at my site, best prices this week.');
    await t.ctx.relay.report(second.thread.id, 'poster', second.token, { reason: 'spam' });
    expect(await t.ctx.database.query(`select id from review_items where ad_id = $1`, [ad.id])).toHaveLength(1);

    const staff = await signInAsStaff(t, 'seam-moderator@example.com');
    const queue = await staff.get('/staff/queue');
    expect(queue.body).toContain('Reported relay message');
    const page = await staff.get(`/staff/items/${items[0]!.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="message-reports"');
    expect(page.body).toContain('Answer me now or else, I know where the station is.');
    expect(page.body).toContain('Cheap watches at my site, best prices this week.');
    expect(page.body).toContain('Threatening tone');
    expect(page.body).toMatch(/id="reported-\d+"/);

    const decided = await staff.post(`/staff/items/${items[0]!.id}/decide`, { action: 'approve' }, `/staff/items/${items[0]!.id}`);
    expect(decided.statusCode).toBe(303);
    expect(await t.ctx.relay.listOpenMessageReports()).toEqual([]);
    const [item] = await t.ctx.database.query<{ state: string }>(`select state from review_items where id = $1`, [items[0]!.id]);
    expect(item!.state).toBe('decided');
  });
});

describe('a rescan hold', () => {
  it('queues the ad, stores a statement of reasons, logs it and mails the poster, like any automated hold', async () => {
    const image = await patternImage(31337);
    const ad = await publishedAd([image]);
    const banks = new HashBankStore(t.ctx.database, 0);
    const { hash } = await pdqHash(image);
    await banks.importBank(parseHashBankFile(`${hash}\n`, { name: 'seam-goods', label: 'prohibited_goods', action: 'review' }));
    const screener = new EngineScreener({ database: t.ctx.database, record: false, banks, semantic: null });
    const mailsBefore = t.mailer.sent.length;

    const report = await rescan(t.ctx.database, screener, { hold: t.ctx.moderation.holdAfterRescan });
    expect(report.held).toBe(1);

    const [row] = await t.ctx.database.query<{ state: string; state_reason: string }>(`select state, state_reason from ads where id = $1`, [ad.id]);
    expect(row!.state).toBe('held');
    const items = await t.ctx.database.query<{ id: number; source: string; state: string; label: string }>(`select id, source, state, label from review_items where ad_id = $1`, [ad.id]);
    expect(items).toEqual([{ id: expect.any(Number), source: 'hash_match', state: 'open', label: 'prohibited_goods' }]);
    const statements = await t.ctx.database.query<{ puid: string; source_type: string; automated_detection: boolean; automated_decision: string; decision_visibility: string; review_item_id: number }>(
      `select puid, source_type, automated_detection, automated_decision, decision_visibility, review_item_id from statements_of_reasons where ad_id = $1`,
      [ad.id],
    );
    expect(statements).toEqual([
      {
        puid: expect.stringMatching(/^corkboard-ad\d+-/),
        source_type: 'SOURCE_VOLUNTARY',
        automated_detection: true,
        automated_decision: 'AUTOMATED_DECISION_FULLY',
        decision_visibility: 'DECISION_VISIBILITY_CONTENT_DISABLED',
        review_item_id: items[0]!.id,
      },
    ]);
    expect(row!.state_reason).toContain('Your ad is hidden while a moderator checks it.');
    const audit = await t.ctx.database.query<{ action: string; actor: string }>(`select action, actor from audit_log where subject_type = 'ad' and subject_id = $1`, [String(ad.id)]);
    expect(audit).toEqual([{ action: 'ad.held_by_rescan', actor: 'system' }]);
    const mails = t.mailer.sent.slice(mailsBefore).filter((m) => m.to === ad.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Decision about your ad: Walnut bookcase number ${n}`);
    expect(mails[0]!.text).toContain('Your ad is hidden while a moderator checks it.');
    expect(mails[0]!.text).toContain('How to appeal');
    expect(mails[0]!.text).toContain(statements[0]!.puid);

    // Run again under the same rules: nothing more happens, no second mail.
    const again = await rescan(t.ctx.database, screener, { hold: t.ctx.moderation.holdAfterRescan, force: true });
    expect(again.held).toBe(0);
    expect(t.mailer.sent.slice(mailsBefore).filter((m) => m.to === ad.email)).toHaveLength(1);
  });
});

describe('a suspended replier writing through the relay by mail', () => {
  it('is accepted and dropped, as for a blocked replier, and delivered again once the suspension ends', async () => {
    const ad = await publishedAd();
    const replier = 'suspended-replier@example.com';
    await t.ctx.accountService.signUp({ email: replier, password: 'correct horse battery' }, '192.0.2.77');
    const session = await t.ctx.accountService.confirmEmail(linkFrom(t.mailer.lastTo(replier)!.text, '/account/confirm/').split('/').pop()!, null);
    const user = { id: session.user.id, email: replier, emailVerified: true };
    expect((await t.ctx.relay.replyFromAdPage(ad.id, { message: 'Is the bookcase still for sale?' }, '192.0.2.77', user)).outcome).toBe('sent');
    const thread = (await t.ctx.relayRepository.findThreadFor(ad.id, replier))!;
    const target = (await t.ctx.relayRepository.byAlias(thread.posterAlias))!;
    const mail = { text: 'Hello again, any news about the bookcase?', attachments: 0, automated: false };

    await t.ctx.database.query(`update users set suspended_until = $2 where id = $1`, [user.id, new Date(t.clock.now.getTime() + 86_400_000)]);
    const before = t.mailer.sent.filter((m) => m.to === ad.email).length;
    expect(await t.ctx.relay.deliverIncoming(target, mail)).toBe('dropped');
    expect(t.mailer.sent.filter((m) => m.to === ad.email)).toHaveLength(before);

    await t.ctx.database.query(`update users set suspended_until = null where id = $1`, [user.id]);
    expect(await t.ctx.relay.deliverIncoming(target, mail)).toBe('delivered');
    const delivered = t.mailer.sent.filter((m) => m.to === ad.email).at(-1)!;
    expect(delivered.text).toContain('Hello again, any news about the bookcase?');
    expect(delivered.text).toContain('Account: created today');
  });
});
