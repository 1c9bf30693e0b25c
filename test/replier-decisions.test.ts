/**
 * Decisions aimed at the replier who sent a reported relay message, through the real app on PGlite
 * and (with TEST_DATABASE_URL) PostgreSQL: warn, block from the relay (the address can no longer
 * send through the relay to anyone), suspend or ban the replier's account. Each mails the replier a
 * statement of reasons (never shown to the poster, never keeping the ad down) and is audited; the
 * review page offers them on message-report items; only staff reach the route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_BLOCKED_MESSAGE } from '../src/messaging/relay.service.ts';
import { toTransparencyDatabase } from '../src/moderation/statements.ts';
import { formClient, signInAsStaff, type StaffClient } from './helpers/staff-sign-in.ts';
import { linkFrom, type TestApp } from './helpers/test-app.ts';
import { moderationTestApp } from './moderation-helpers.ts';
import { bookcase, postAdDirect } from './helpers/post-ad.ts';

let t: TestApp;
let n = 0;

beforeAll(async () => {
  t = await moderationTestApp();
});
afterAll(async () => t?.close());

async function publishedAd(): Promise<{ id: number; email: string }> {
  n++;
  const ad = { ...bookcase, title: `Pine bookcase number ${n}`, body: 'Pine bookcase, 150 cm tall, four shelves. Pick up only.', price: '60', email: `rd-poster${n}@example.com` };
  const { id, email } = await postAdDirect(t, ad, { ip: `198.51.100.${n + 100}` });
  return { id, email };
}

/** An account with a confirmed address (a RelayUser for replyFromAdPage). */
async function replierAccount(email: string) {
  await t.ctx.accountService.signUp({ email, password: 'correct horse battery' }, '192.0.2.77');
  const session = await t.ctx.accountService.confirmEmail(linkFrom(t.mailer.lastTo(email)!.text, '/account/confirm/').split('/').pop()!, null);
  return { id: session.user.id, email, emailVerified: true };
}

/** The replier writes (anonymously, confirming by mail, or signed in) and the poster reports that message; returns the item and report. */
async function reported(adId: number, replier: string, message: string, user: { id: number; email: string; emailVerified: boolean } | null = null) {
  if (user) {
    expect((await t.ctx.relay.replyFromAdPage(adId, { message }, '192.0.2.50', user)).outcome).toBe('sent');
  } else {
    await t.ctx.relay.replyFromAdPage(adId, { message, email: replier }, '192.0.2.50', null);
    const [, messageId, token] = /\/replies\/confirm\/(\d+)\/([^\s/]+)/.exec(t.mailer.lastTo(replier)!.text)!;
    await t.ctx.relay.confirmMessage(Number(messageId), token!);
  }
  const thread = (await t.ctx.relayRepository.findThreadFor(adId, replier))!;
  const posterToken = t.ctx.relay.threadPath(thread, 'poster').split('/').pop()!;
  const [msg] = await t.ctx.relayRepository.messagesOf(thread.id);
  const reportId = await t.ctx.relay.report(thread.id, 'poster', posterToken, { reason: 'harassment', details: 'Rude and pushy', message_id: String(msg!.id) });
  const item = (await t.ctx.moderation.repo.itemsOf(adId)).find((i) => i.state === 'open' && i.source === 'message_report')!;
  return { thread, reportId, item };
}

let mod: StaffClient;
let other: StaffClient;

beforeAll(async () => {
  mod = await signInAsStaff(t, 'rd-mod@example.com', 'moderator');
  other = await signInAsStaff(t, 'rd-other@example.com', 'moderator');
});

describe('acting on the replier of a reported message', () => {
  it('blocks an account-less replier from the relay: statement mailed, audited, item closed, and the address can no longer send to anyone', async () => {
    const ad = await publishedAd();
    const replier = 'rd-pushy@example.com';
    const { thread, reportId, item } = await reported(ad.id, replier, 'Answer me at once, I will keep writing until you do.');

    const page = await mod.get(`/staff/items/${item.id}`);
    expect(page.body).toContain(`action="/staff/items/${item.id}/replier"`);
    expect(page.body).toContain('Block the replier from the relay');
    expect(page.body).toContain('They have no account, so there is nothing to suspend or ban.');
    expect(page.body).not.toContain('value="ban">Ban the replier');

    const res = await mod.post(`/staff/items/${item.id}/replier`, { report: String(reportId), action: 'relay_block', reason: 'spam', note: 'Repeated pressure on the poster' }, `/staff/items/${item.id}`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/staff/queue?decided=${item.id}`);
    expect((await t.ctx.moderation.repo.item(item.id))).toMatchObject({ state: 'decided', decision: 'replier_relay_block' });
    expect((await t.ctx.ads.findById(ad.id))!.state).toBe('published'); // the ad is not decided by this

    const mail = t.mailer.lastTo(replier)!;
    expect(mail.subject).toMatch(/^Decision about your message on Corkboard \(reference corkboard-msg\d+-/);
    expect(mail.text).toContain('Your e-mail address can no longer send messages through the relay.');
    expect(mail.text).toContain('Spam, duplicate or overposted ads');
    expect(mail.text).toContain('Repeated pressure on the poster');
    expect(mail.text).toContain('How to appeal');
    const puid = /reference (corkboard-msg\S+?)\)/.exec(mail.subject)![1]!;
    const [statement] = await t.ctx.database.query<{ content_type: string[]; decision_visibility: string | null; decision_provision: string; source_type: string; recipient_email: string; recipient_user_id: number | null }>(
      'select content_type, decision_visibility, decision_provision, source_type, recipient_email, recipient_user_id from statements_of_reasons where puid = $1',
      [puid],
    );
    // The relay is part of the service: blocking it is a partial suspension of the service, not a restriction of the message.
    expect(statement).toMatchObject({
      content_type: ['CONTENT_TYPE_TEXT'],
      decision_visibility: null,
      decision_provision: 'DECISION_PROVISION_PARTIAL_SUSPENSION',
      source_type: 'SOURCE_TYPE_OTHER_NOTIFICATION',
      recipient_email: replier,
      recipient_user_id: null,
    });
    // As the staff statements API and the Transparency Database export give it.
    const listed = (await t.ctx.moderation.repo.statementsPage(50)).find((r) => r.puid === puid)!;
    expect(toTransparencyDatabase(listed)).toMatchObject({ decision_provision: 'DECISION_PROVISION_PARTIAL_SUSPENSION', puid });
    expect(toTransparencyDatabase(listed)).not.toHaveProperty('decision_visibility');
    expect(toTransparencyDatabase(listed)).not.toHaveProperty('recipient_email'); // personal data stays with us
    // The poster never sees it among the decisions about their ad.
    expect((await t.ctx.moderation.appeals.decisionsFor([ad.id])).get(ad.id) ?? []).toEqual([]);

    const audit = (await t.ctx.moderation.audit.entriesFor('relay_thread', thread.id)).at(-1)!;
    expect(audit).toMatchObject({ action: 'replier.relay_block', actor: `user:${mod.id}`, details: { report: reportId, ad: ad.id, statements: [puid], itemClosed: true } });
    expect(await t.ctx.relay.listOpenMessageReports()).toEqual([]);

    // The same address writing to another poster's ad: refused once it is proven to be theirs.
    const another = await publishedAd();
    expect((await t.ctx.relay.replyFromAdPage(another.id, { message: 'Hello, is it still available?', email: replier }, '192.0.2.51', null)).outcome).toBe('confirm');
    const [, messageId, token] = /\/replies\/confirm\/(\d+)\/([^\s/]+)/.exec(t.mailer.lastTo(replier)!.text)!;
    await expect(t.ctx.relay.confirmMessage(Number(messageId), token!)).rejects.toMatchObject({ status: 403, message: RELAY_BLOCKED_MESSAGE });
    // And by mail on the old conversation: accepted and dropped, the poster gets nothing.
    const before = t.mailer.sent.filter((m) => m.to === ad.email).length;
    const target = (await t.ctx.relayRepository.byAlias(thread.posterAlias))!;
    expect(await t.ctx.relay.deliverIncoming(target, { text: 'Why do you not answer?', attachments: 0, automated: false })).toBe('dropped');
    expect(t.mailer.sent.filter((m) => m.to === ad.email)).toHaveLength(before);
    // Posting an ad with the address is not what the block is about.
    expect(await t.ctx.moderation.repo.blockedContact(replier, null, t.clock.now)).toBeUndefined();
  });

  it('bans a replier with an account: account closed, statement mailed, audited; the poster can still be written to by others', async () => {
    const ad = await publishedAd();
    const user = await replierAccount('rd-account@example.com');
    const { thread, reportId, item } = await reported(ad.id, user.email, 'You must sell it to me for half, or I will post your number everywhere.', user);
    const page = await mod.get(`/staff/items/${item.id}`);
    expect(page.body).toContain('value="ban">Ban the replier');
    const res = await mod.post(`/staff/items/${item.id}/replier`, { report: String(reportId), action: 'ban', reason: 'scam' }, `/staff/items/${item.id}`);
    expect(res.statusCode).toBe(303);
    const [row] = await t.ctx.database.query<{ banned_at: Date | null }>('select banned_at from users where id = $1', [user.id]);
    expect(row!.banned_at).not.toBeNull();
    const mail = t.mailer.lastTo(user.email)!;
    expect(mail.text).toContain('Your Corkboard account is closed');
    expect(mail.text).toContain('We consider the message illegal under: Laws against fraud.');
    expect((await t.ctx.moderation.audit.entriesFor('relay_thread', thread.id)).at(-1)).toMatchObject({ action: 'replier.ban', details: { account: user.id } });
    const [statement] = await t.ctx.database.query<{ decision_account: string; decision_provision: string | null; recipient_email: string; recipient_user_id: number }>(
      `select decision_account, decision_provision, recipient_email, recipient_user_id from statements_of_reasons where puid like 'corkboard-msg${thread.id}-%'`,
    );
    expect(statement).toMatchObject({ decision_account: 'DECISION_ACCOUNT_TERMINATED', decision_provision: null, recipient_email: user.email });
    expect(Number(statement!.recipient_user_id)).toBe(user.id);
    // The banned replier's mail is dropped.
    const target = (await t.ctx.relayRepository.byAlias(thread.posterAlias))!;
    expect(await t.ctx.relay.deliverIncoming(target, { text: 'Last chance.', attachments: 0, automated: false })).toBe('dropped');
  });

  it('suspends a replier account for the days given; warns without restricting; leaves the item open while other reports wait', async () => {
    const ad = await publishedAd();
    const user = await replierAccount('rd-suspend@example.com');
    const first = await reported(ad.id, user.email, 'Reply now, I am waiting outside.', user);
    const second = await reported(ad.id, 'rd-warned@example.com', 'Send me your address so I can come tonight.');
    expect(second.item.id).toBe(first.item.id);

    const warn = await mod.post(`/staff/items/${first.item.id}/replier`, { report: String(second.reportId), action: 'warn', reason: 'spam' }, `/staff/items/${first.item.id}`);
    expect(warn.statusCode).toBe(303);
    expect(warn.headers.location).toBe(`/staff/items/${first.item.id}`); // another report on the item is still open
    expect(t.mailer.lastTo('rd-warned@example.com')!.text).toContain('A moderator warned you; nothing is restricted this time.');
    expect(await t.ctx.relayRepository.relayBlocked('rd-warned@example.com', t.clock.now)).toBe(false);

    const suspend = await mod.post(`/staff/items/${first.item.id}/replier`, { report: String(first.reportId), action: 'suspend', reason: 'spam', days: '14' }, `/staff/items/${first.item.id}`);
    expect(suspend.statusCode).toBe(303);
    expect(suspend.headers.location).toBe(`/staff/queue?decided=${first.item.id}`);
    const [row] = await t.ctx.database.query<{ suspended_until: Date }>('select suspended_until from users where id = $1', [user.id]);
    expect(new Date(row!.suspended_until).getTime()).toBe(t.clock.now.getTime() + 14 * 86_400_000);
    expect(t.mailer.lastTo(user.email)!.text).toContain(`Your account is suspended until ${new Date(t.clock.now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10)}`);
  });

  it('refuses clearly: no account to suspend, no claim, the moderator’s own message, an unknown report', async () => {
    const ad = await publishedAd();
    const { reportId, item } = await reported(ad.id, 'rd-noaccount@example.com', 'Hello? Hello? Hello?');
    const noAccount = await mod.post(`/staff/items/${item.id}/replier`, { report: String(reportId), action: 'suspend', reason: 'spam', days: '7' }, `/staff/items/${item.id}`);
    expect(noAccount.statusCode).toBe(409);
    expect(noAccount.body).toContain('The replier has no account to suspend or ban');
    const notMine = await other.post(`/staff/items/${item.id}/replier`, { report: String(reportId), action: 'warn', reason: 'spam' }, '/staff/queue');
    expect(notMine.statusCode).toBe(409);
    const unknown = await mod.post(`/staff/items/${item.id}/replier`, { report: '99999999', action: 'warn', reason: 'spam' }, `/staff/items/${item.id}`);
    expect(unknown.statusCode).toBe(404);

    const ad2 = await publishedAd();
    const own = await reported(ad2.id, 'rd-mod@example.com', 'A message the moderator wrote themselves.');
    const refused = await mod.post(`/staff/items/${own.item.id}/replier`, { report: String(own.reportId), action: 'relay_block', reason: 'spam' }, `/staff/items/${own.item.id}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('You sent this message yourself');
    expect(await t.ctx.relayRepository.relayBlocked('rd-mod@example.com', t.clock.now)).toBe(false);
  });

  it('is a staff route: anonymous visitors and ordinary accounts get the plain 404 and change nothing', async () => {
    const ad = await publishedAd();
    const { reportId, item } = await reported(ad.id, 'rd-stranger-target@example.com', 'Is it still for sale? Answer quickly.');
    const routes = t.app.printRoutes({ commonPrefix: false });
    expect(routes).toContain('replier (POST)');
    const user = formClient(t);
    const password = 'correct horse battery';
    expect((await user.post('/signup', { email: 'rd-ordinary@example.com', password }, '/signup')).statusCode).toBe(303);
    const confirm = linkFrom(t.mailer.lastTo('rd-ordinary@example.com')!.text, '/account/confirm/');
    await user.post(confirm, {}, confirm);
    for (const [c, tokenFrom] of [[formClient(t), '/signup'], [user, '/account']] as const) {
      const res = await c.post(`/staff/items/${item.id}/replier`, { report: String(reportId), action: 'relay_block', reason: 'spam' }, tokenFrom);
      const twin = await c.post(`/staffx/items/999999/replier`, { report: String(reportId), action: 'relay_block', reason: 'spam' }, tokenFrom);
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe(twin.body);
    }
    expect(await t.ctx.relayRepository.relayBlocked('rd-stranger-target@example.com', t.clock.now)).toBe(false);
    expect((await t.ctx.moderation.repo.item(item.id))!.state).toBe('open');
  });
});

describe('a replier appealing a decision about their message (DSA Art. 20)', () => {
  const EXPLANATION = 'I only asked twice whether the bookcase was still for sale; that is not spam or harassment.';
  const appealLinkIn = (text: string) => linkFrom(text, '/appeal/');

  it('appeals a relay block from the link in the statement; another moderator reverses it: the block is lifted, audited, and the replier is told', async () => {
    const ad = await publishedAd();
    const replier = 'rd-appealer@example.com';
    const { reportId, item } = await reported(ad.id, replier, 'Is the bookcase still for sale? Please answer.');
    await mod.get(`/staff/items/${item.id}`);
    await mod.post(`/staff/items/${item.id}/replier`, { report: String(reportId), action: 'relay_block', reason: 'spam' }, `/staff/items/${item.id}`);
    expect(await t.ctx.relayRepository.relayBlocked(replier, t.clock.now)).toBe(true);
    const statementMail = t.mailer.lastTo(replier)!;
    const link = appealLinkIn(statementMail.text);
    const puid = decodeURIComponent(link.split('/')[2]!);
    expect(puid).toMatch(/^corkboard-msg\d+-/);

    // A wrong or altered link is the ordinary 404; the poster never sees the replier's statement.
    const replierBrowser = formClient(t);
    expect((await replierBrowser.get(`${link.slice(0, -3)}xyz`)).statusCode).toBe(404);
    const page = await replierBrowser.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Appeal a decision about your message');
    expect(page.body).toContain('Your e-mail address can no longer send messages through the relay.');
    expect(page.body).toContain(puid);

    const sent = await replierBrowser.post(link, { explanation: EXPLANATION }, link);
    expect(sent.statusCode).toBe(303);
    const receipt = t.mailer.lastTo(replier)!;
    expect(receipt.subject).toMatch(/^We received your appeal \(reference A-\d+\)$/);
    expect(receipt.text).toContain('a message you sent through the relay about the ad');
    const [appeal] = await t.ctx.database.query<{ id: number; email: string; user_id: number | null; review_item_id: number; original_decider_id: number }>(
      'select a.id, a.email, a.user_id, a.review_item_id, a.original_decider_id from appeals a join statements_of_reasons s on s.id = a.statement_id where s.puid = $1',
      [puid],
    );
    expect(appeal).toMatchObject({ email: replier, user_id: null });
    expect(Number(appeal!.original_decider_id)).toBe(mod.id);
    expect(t.mailer.sent.filter((m) => m.to === ad.email && /appeal/i.test(m.subject))).toEqual([]);
    expect((await t.ctx.moderation.appeals.decisionsFor([ad.id])).get(ad.id) ?? []).toEqual([]);

    // In the review queue like any appeal; the moderator who blocked them can neither claim nor decide it.
    const appealItem = (await t.ctx.moderation.repo.item(Number(appeal!.review_item_id)))!;
    expect(appealItem).toMatchObject({ source: 'appeal', state: 'open', adId: ad.id });
    expect(await t.ctx.moderation.repo.claim(appealItem.id, mod.id, t.clock.now)).toBeUndefined();
    await expect(t.ctx.moderation.appeals.decide(Number(appeal!.id), mod.id, { outcome: 'reverse', reason: 'Looks fine.' })).rejects.toMatchObject({ status: 403 });

    const review = await other.get(`/staff/items/${appealItem.id}`);
    expect(review.body).toContain("The replier's explanation");
    expect(review.body).toContain(EXPLANATION);
    const done = await other.post(`/staff/items/${appealItem.id}/appeal`, { appeal: String(appeal!.id), outcome: 'reverse', reason: 'Two polite questions are not spam.' }, `/staff/items/${appealItem.id}`);
    expect(done.statusCode).toBe(303);
    expect(await t.ctx.relayRepository.relayBlocked(replier, t.clock.now)).toBe(false);
    const outcome = t.mailer.lastTo(replier)!;
    expect(outcome.subject).toBe(`Outcome of your appeal (reference A-${appeal!.id})`);
    expect(outcome.text).toContain('reversed the decision');
    expect(outcome.text).toContain('Two polite questions are not spam.');
    expect(outcome.text).toContain('Your e-mail address can send messages through the relay again.');
    expect((await t.ctx.ads.findById(ad.id))!.state).toBe('published');
    const lifted = (await t.ctx.database.query<{ action: string; actor: string; details: { email: string; via: string } }>(
      `select action, actor, details from audit_log where action = 'relay_block.lifted' order by seq desc limit 1`,
    ))[0]!;
    expect(lifted).toMatchObject({ actor: `user:${other.id}`, details: { email: replier, via: 'appeal' } });
    expect((await replierBrowser.get(link)).body).toContain('the decision was reversed');

    // Writing through the relay works again.
    const another = await publishedAd();
    await t.ctx.relay.replyFromAdPage(another.id, { message: 'Hello, is this still available?', email: replier }, '192.0.2.52', null);
    const [, messageId, token] = /\/replies\/confirm\/(\d+)\/([^\s/]+)/.exec(t.mailer.lastTo(replier)!.text)!;
    await expect(t.ctx.relay.confirmMessage(Number(messageId), token!)).resolves.toBeTruthy();
  });

  it('an upheld appeal changes nothing; a reversed warning is withdrawn; a reversed ban gives the account back', async () => {
    const ad = await publishedAd();
    const user = await replierAccount('rd-banned-appealer@example.com');
    const banned = await reported(ad.id, user.email, 'Sell it to me for ten dollars or else.', user);
    const warned = await reported(ad.id, 'rd-warned-appealer@example.com', 'Can you deliver it tonight? Answer now.');
    await mod.get(`/staff/items/${banned.item.id}`);
    await mod.post(`/staff/items/${banned.item.id}/replier`, { report: String(warned.reportId), action: 'warn', reason: 'spam' }, `/staff/items/${banned.item.id}`);
    const warnLink = appealLinkIn(t.mailer.lastTo('rd-warned-appealer@example.com')!.text);
    await mod.post(`/staff/items/${banned.item.id}/replier`, { report: String(banned.reportId), action: 'ban', reason: 'scam' }, `/staff/items/${banned.item.id}`);
    const banLink = appealLinkIn(t.mailer.lastTo(user.email)!.text);

    const c = formClient(t);
    expect((await c.post(warnLink, { explanation: EXPLANATION }, warnLink)).statusCode).toBe(303);
    expect((await c.post(banLink, { explanation: EXPLANATION }, banLink)).statusCode).toBe(303);
    const rows = await t.ctx.database.query<{ id: number; email: string; user_id: number | null; review_item_id: number }>(
      `select a.id, a.email, a.user_id, a.review_item_id from appeals a join statements_of_reasons s on s.id = a.statement_id where s.ad_id = $1 order by a.id`,
      [ad.id],
    );
    expect(rows.map((r) => r.email)).toEqual(['rd-warned-appealer@example.com', user.email]);
    expect(Number(rows[1]!.user_id)).toBe(user.id);
    expect(rows[0]!.review_item_id).toBe(rows[1]!.review_item_id); // one appeal item per ad
    const itemId = Number(rows[0]!.review_item_id);
    expect(await t.ctx.moderation.repo.claim(itemId, other.id, t.clock.now)).toBeTruthy();

    await t.ctx.moderation.appeals.decide(Number(rows[0]!.id), other.id, { outcome: 'uphold', reason: 'Pressing for an answer at night is against the rules.' });
    expect(t.mailer.lastTo('rd-warned-appealer@example.com')!.text).toContain('upheld the decision');
    await t.ctx.moderation.appeals.decide(Number(rows[1]!.id), other.id, { outcome: 'reverse', reason: 'The message was a clumsy joke, not a scam.' });
    const [account] = await t.ctx.database.query<{ banned_at: Date | null; suspended_until: Date | null }>('select banned_at, suspended_until from users where id = $1', [user.id]);
    expect(account).toMatchObject({ banned_at: null, suspended_until: null });
    const outcome = t.mailer.lastTo(user.email)!;
    expect(outcome.text).toContain('The restriction on your account is lifted');
    expect((await t.ctx.moderation.repo.item(itemId))!.state).toBe('decided');

    // A warning reversed on appeal is withdrawn.
    const ad2 = await publishedAd();
    const w2 = await reported(ad2.id, 'rd-warned-twice@example.com', 'Are you there? Please answer me.');
    await mod.get(`/staff/items/${w2.item.id}`);
    await mod.post(`/staff/items/${w2.item.id}/replier`, { report: String(w2.reportId), action: 'warn', reason: 'spam' }, `/staff/items/${w2.item.id}`);
    const link2 = appealLinkIn(t.mailer.lastTo('rd-warned-twice@example.com')!.text);
    expect((await c.post(link2, { explanation: EXPLANATION }, link2)).statusCode).toBe(303);
    const [a2] = await t.ctx.database.query<{ id: number; review_item_id: number }>('select id, review_item_id from appeals where ad_id = $1', [ad2.id]);
    await t.ctx.moderation.repo.claim(Number(a2!.review_item_id), other.id, t.clock.now);
    await t.ctx.moderation.appeals.decide(Number(a2!.id), other.id, { outcome: 'reverse', reason: 'One follow-up question is fine.' });
    expect(t.mailer.lastTo('rd-warned-twice@example.com')!.text).toContain('The warning is withdrawn.');
  });
});

describe('admins lifting a relay block by hand', () => {
  it('lists each block with who made it, when and why; lifts one with a reason (audited); refuses without one; needs a fresh code', async () => {
    const admin = await signInAsStaff(t, 'rd-admin@example.com', 'admin');
    const ad = await publishedAd();
    const replier = 'rd-lift-me@example.com';
    const { reportId, item } = await reported(ad.id, replier, 'Answer me now, answer me now, answer me now.');
    await mod.get(`/staff/items/${item.id}`);
    await mod.post(`/staff/items/${item.id}/replier`, { report: String(reportId), action: 'relay_block', reason: 'spam', note: 'Same line sent ten times' }, `/staff/items/${item.id}`);
    expect(await t.ctx.relayRepository.relayBlocked(replier, t.clock.now)).toBe(true);

    expect((await admin.get('/staff/admin')).body).toContain('href="/staff/admin/relay-blocks"');
    const list = await admin.get('/staff/admin/relay-blocks');
    expect(list.statusCode).toBe(200);
    const [block] = await t.ctx.database.query<{ id: number }>(`select id from blocked_contacts where kind = 'relay' and value = $1`, [replier]);
    const row = new RegExp(`<tr data-block="${block!.id}">[\\s\\S]*?</tr>`).exec(list.body)![0];
    expect(row).toContain(replier);
    expect(row).toContain('rd-mod@example.com'); // who
    expect(row).toContain('spam'); // why
    expect(row).toContain('Same line sent ten times');
    expect(row).toContain(`action="/staff/admin/relay-blocks/${block!.id}/lift"`);
    expect((await mod.get('/staff/admin/relay-blocks')).statusCode).toBe(403); // moderators: admins only

    const noReason = await admin.post(`/staff/admin/relay-blocks/${block!.id}/lift`, { reason: '' }, '/staff/admin/relay-blocks');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Say why the block is lifted');
    expect(await t.ctx.relayRepository.relayBlocked(replier, t.clock.now)).toBe(true);

    const lifted = await admin.post(`/staff/admin/relay-blocks/${block!.id}/lift`, { reason: 'The poster asked us to let them talk again.' }, '/staff/admin/relay-blocks');
    expect(lifted.statusCode).toBe(303);
    expect(lifted.headers.location).toBe('/staff/admin/relay-blocks?lifted=1');
    expect(await t.ctx.relayRepository.relayBlocked(replier, t.clock.now)).toBe(false);
    // The replier was told of the block, so they are told it is gone.
    expect(t.mailer.lastTo(replier)!.subject).toBe('You can reply to ads on Corkboard again');
    const after = await admin.get('/staff/admin/relay-blocks?lifted=1');
    expect(after.body).toContain('Block lifted');
    expect(after.body).not.toContain(`data-block="${block!.id}"`);
    const [entry] = await t.ctx.database.query<{ actor: string; subject_type: string; details: Record<string, unknown> }>(
      `select actor, subject_type, details from audit_log where action = 'relay_block.lifted' and subject_id = $1`,
      [String(block!.id)],
    );
    expect(entry).toMatchObject({ actor: `user:${admin.id}`, subject_type: 'blocked_contact', details: { email: replier, via: 'admin', why: 'The poster asked us to let them talk again.' } });
    expect((await admin.post(`/staff/admin/relay-blocks/${block!.id}/lift`, { reason: 'Once more, please.' }, '/staff/admin/relay-blocks')).statusCode).toBe(404);

    // Like every admin page, it needs a two-factor code fresher than STAFF_2FA_FRESH_HOURS.
    t.clock.advanceHours(12.5);
    const stale = await admin.get('/staff/admin/relay-blocks');
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toBe(`/account/two-factor?next=${encodeURIComponent('/staff/admin/relay-blocks')}`);
  });
});
