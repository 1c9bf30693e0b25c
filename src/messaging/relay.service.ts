/**
 * The anonymous reply relay: replies from the ad page (confirmed once per conversation by a mailed
 * link), answers on the thread page or by mail through the SMTP listener, screening facts for the
 * poster, blocks, reports, and closing with the ad. Each side only ever sees the other's relay
 * identity (`reply-<random>@RELAY_DOMAIN`), never a real address.
 */
import type { RelaySide } from '../db/schema.ts';
import { accountRestriction, restrictionMessage } from '../accounts/restriction.ts';
import type { AdRepository, AdRow } from '../listings/ad.repository.ts';
import type { Mailer } from '../mail/mailer.ts';
import { AppError } from '../platform/errors.ts';
import type { RateLimiter } from '../platform/rate-limiter.ts';
import { newNonce } from '../platform/signed-links.ts';
import { AnswerSchema, parseForm, ReplySchema, ReportSchema, MAX_MESSAGE_CHARS } from './relay-input.ts';
import { newAlias, type RelayLinks } from './relay-links.ts';
import { relayRiskKinds, warningLines, withRisk } from './message-risk.ts';
import { confirmReplyMail, relayedMail, screeningLines } from './relay-mails.ts';
import type { AliasTarget, MessageRow, RelayRepository, ReplierScreening, ThreadRow } from './relay.repository.ts';

const DAY = 24 * 3600_000;
/** Closed threads stay readable this long; then their message bodies are purged. */
export const CLOSED_THREAD_READABLE_DAYS = 30;
/** Forwarded mail bodies are cut here (the web form allows MAX_MESSAGE_CHARS). */
const MAX_MAIL_BODY_CHARS = 20_000;

/** What a replier whose address a moderator blocked from the relay is told (only ever the address's owner: signed in, or through the mailed link). */
export const RELAY_BLOCKED_MESSAGE = 'Our moderators blocked this e-mail address from sending messages through Corkboard. We mailed you a statement of reasons, which says why and how to appeal.';

export interface RelayLimits {
  repliesPerHourPerIp: number;
  repliesPerHourPerEmail: number;
  /** Messages accepted by the SMTP listener per envelope sender per hour. */
  mailsPerHourPerSender: number;
}

export interface RelayDeps {
  relay: RelayRepository;
  ads: AdRepository;
  mailer: Mailer;
  limiter: RateLimiter;
  links: RelayLinks;
  relayDomain: string;
  now: () => Date;
  /** Called after a report is stored: the composition root puts it in the moderation review queue. */
  onReport?: (report: { id: number; adId: number; reason: string }) => Promise<void>;
}

/** A signed-in replier (request.user once accounts are in place). */
export interface RelayUser {
  id: number;
  email: string;
  emailVerified: boolean;
}

/** An SMTP refusal: the listener answers with this code and text. */
export class RelayRefusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ThreadView {
  thread: ThreadRow;
  ad: AdRow;
  side: RelaySide;
  open: boolean;
  messages: MessageRow[];
  screening?: ReplierScreening;
  screeningText?: string[];
  blocked: boolean;
}

export interface IncomingMail {
  text: string;
  attachments: number;
  /** Auto-Submitted / Precedence: bulk mail (vacation replies, bounces) is accepted and dropped, so robots cannot loop. */
  automated: boolean;
}

export class RelayService {
  limits: RelayLimits = { repliesPerHourPerIp: 20, repliesPerHourPerEmail: 20, mailsPerHourPerSender: 60 };

  constructor(private deps: RelayDeps) {}

  /** A relay is open while its ad is live. */
  isOpen(ad: Pick<AdRow, 'state' | 'expiresAt'>): boolean {
    return ad.state === 'published' && ad.expiresAt.getTime() > this.deps.now().getTime();
  }

  address(alias: string): string {
    return `${alias}@${this.deps.relayDomain}`;
  }

  // --- from the ad page ----------------------------------------------------------------------

  /**
   * A reply from the ad page. Signed-in repliers with a verified address, and browsers that already
   * confirmed this conversation (`confirmedThreadIds`, from a signed cookie), send at once; anyone
   * else gets a confirmation link by mail first, so nobody can write in another person's name.
   */
  async replyFromAdPage(
    adId: number,
    raw: Record<string, unknown>,
    ip: string | null,
    user: RelayUser | null,
    confirmedThreadIds: number[] = [],
  ): Promise<{ outcome: 'confirm' | 'sent'; threadId: number; email: string }> {
    const ad = await this.deps.ads.findById(adId);
    // Every contact mode takes replies through the relay ("Relay, and show a phone number" too).
    if (!ad || !this.isOpen(ad)) throw closedError();
    const input = parseForm(ReplySchema, user ? { ...raw, email: user.email.toLowerCase() } : raw);
    await this.enforce(`relay:web:ip:${ip ?? 'unknown'}`, this.limits.repliesPerHourPerIp);
    await this.enforce(`relay:web:email:${input.email}`, this.limits.repliesPerHourPerEmail);
    // Only a replier proven to be the poster (the ad's account, or a verified account with its address) is
    // told so; anyone typing the poster's address is an ordinary replier, so the form confirms no address.
    if (user && (user.id === ad.userId || (user.emailVerified && input.email === ad.email.toLowerCase()))) {
      throw new AppError('validation_failed', 'This is your own ad: replies to it come to you.');
    }
    const now = this.deps.now();
    const verifiedUser = user?.emailVerified ? user : null;
    let thread = await this.deps.relay.findThreadFor(ad.id, input.email);
    if (!thread) {
      const account = user ? { id: user.id } : await this.deps.relay.accountOf(input.email, null);
      thread = await this.deps.relay.insertThread({
        adId: ad.id,
        posterEmail: ad.email.toLowerCase(),
        posterUserId: ad.userId,
        replierEmail: input.email,
        replierUserId: account?.id ?? null,
        posterAlias: newAlias(),
        replierAlias: newAlias(),
        linkNonce: newNonce(),
        confirmedAt: verifiedUser ? now : null,
        createdAt: now,
        lastMessageAt: now,
      });
    } else if (verifiedUser && !thread.confirmedAt) {
      await this.deps.relay.updateThread(thread.id, { confirmedAt: now });
      thread = { ...thread, confirmedAt: now };
    }
    const trusted = thread.confirmedAt !== null && (verifiedUser !== null || confirmedThreadIds.includes(thread.id));
    if (trusted) {
      // Only the address's owner gets here (signed in, or this browser confirmed the thread by mail), so saying why is no leak.
      await this.refuseRestricted(thread);
      await this.deliver(thread, ad, 'replier', 'web', input.message, 0);
      return { outcome: 'sent', threadId: thread.id, email: input.email };
    }
    const body = this.scrub(thread, input.message);
    const pending = await this.deps.relay.insertMessage({ threadId: thread.id, fromSide: 'replier', via: 'web', body, riskKinds: relayRiskKinds(body, this.deps.links.siteHost, thread), state: 'pending', createdAt: now });
    await this.deps.mailer.send(confirmReplyMail(input.email, ad.title, this.deps.links.confirmUrl(pending.id, thread.linkNonce)));
    return { outcome: 'confirm', threadId: thread.id, email: input.email };
  }

  /** The message a confirmation link points at, if the link is genuine. */
  async pendingMessage(messageId: number, token: string): Promise<{ message: MessageRow; thread: ThreadRow; ad: AdRow } | undefined> {
    const message = await this.deps.relay.findMessage(messageId);
    const thread = message && (await this.deps.relay.findThread(message.threadId));
    if (!message || !thread || !this.deps.links.verify('confirm-message', message.id, thread.linkNonce, token)) return undefined;
    const ad = await this.deps.ads.findById(thread.adId);
    return ad ? { message, thread, ad } : undefined;
  }

  /** Confirms the replier's address and delivers the waiting message (once, however often the link is used). */
  async confirmMessage(messageId: number, token: string): Promise<{ threadId: number; threadPath: string }> {
    const found = await this.pendingMessage(messageId, token);
    if (!found) throw new AppError('not_found', 'This confirmation link is not valid. Copy the whole link from the mail.');
    const { message, thread, ad } = found;
    const result = { threadId: thread.id, threadPath: this.deps.links.threadPath(thread.id, 'replier', thread.linkNonce) };
    if (message.state !== 'pending') return result;
    if (!this.isOpen(ad)) throw closedError();
    const now = this.deps.now();
    await this.refuseRestricted(thread); // the mailbox's owner opened the link: they may know why
    if (!thread.confirmedAt) await this.deps.relay.updateThread(thread.id, { confirmedAt: now });
    await this.deliverStored({ ...thread, confirmedAt: thread.confirmedAt ?? now }, ad, message);
    return result;
  }

  // --- the thread page -----------------------------------------------------------------------

  async threadFor(threadId: number, side: RelaySide, token: string): Promise<ThreadView> {
    const thread = await this.deps.relay.findThread(threadId);
    if (!thread || !this.deps.links.verify(`thread-${side}`, thread.id, thread.linkNonce, token)) {
      throw new AppError('not_found', 'This conversation link is not valid. Copy the whole link from the mail.');
    }
    const ad = await this.deps.ads.findById(thread.adId);
    if (!ad) throw new AppError('gone', 'This conversation is no longer available.');
    const all = await this.deps.relay.messagesOf(thread.id);
    // The poster never sees unconfirmed or blocked messages; the replier sees their own as sent.
    const messages = side === 'poster' ? all.filter((m) => m.state === 'delivered') : all;
    const view: ThreadView = { thread, ad, side, open: this.isOpen(ad) && !thread.purgedAt, messages, blocked: false };
    if (side === 'poster') {
      view.screening = await this.deps.relay.screening(thread, this.deps.now());
      view.screeningText = screeningLines(view.screening, this.deps.now());
      view.blocked = await this.deps.relay.isBlocked({ email: thread.posterEmail, userId: ad.userId }, { email: thread.replierEmail, userId: thread.replierUserId });
    }
    return view;
  }

  threadPath(thread: ThreadRow, side: RelaySide): string {
    return this.deps.links.threadPath(thread.id, side, thread.linkNonce);
  }

  /** An answer written on the thread page. */
  async answerOnSite(threadId: number, side: RelaySide, token: string, raw: Record<string, unknown>): Promise<void> {
    const view = await this.threadFor(threadId, side, token);
    const input = parseForm(AnswerSchema, raw);
    if (!view.open) throw closedError();
    if (side === 'replier' && !view.thread.confirmedAt) throw new AppError('forbidden', 'Confirm your first message from the mail we sent you before writing again.');
    await this.enforce(`relay:web:email:${side === 'poster' ? view.thread.posterEmail : view.thread.replierEmail}`, this.limits.repliesPerHourPerEmail);
    await this.deliver(view.thread, view.ad, side, 'web', input.message, 0);
  }

  /** The poster blocks this replier for all of the poster's ads, by address and, when known, by account. */
  async block(threadId: number, token: string, unblock = false): Promise<void> {
    const { thread, ad } = await this.threadFor(threadId, 'poster', token);
    if (unblock) return this.deps.relay.removeBlock(thread.posterEmail, thread.replierEmail);
    const account = thread.replierUserId !== null ? { id: thread.replierUserId } : await this.deps.relay.accountOf(thread.replierEmail, null);
    await this.deps.relay.insertBlock({
      posterEmail: thread.posterEmail,
      posterUserId: ad.userId ?? thread.posterUserId,
      replierEmail: thread.replierEmail,
      replierUserId: account?.id ?? null,
      threadId: thread.id,
      createdAt: this.deps.now(),
    });
  }

  /** Either side reports the conversation (or one message of it) to the moderators. */
  async report(threadId: number, side: RelaySide, token: string, raw: Record<string, unknown>): Promise<number> {
    const { thread, messages } = await this.threadFor(threadId, side, token);
    const input = parseForm(ReportSchema, raw);
    await this.enforce(`relay:report:${thread.id}:${side}`, 10);
    const messageId = input.message_id !== undefined && messages.some((m) => m.id === input.message_id) ? input.message_id : null;
    const id = await this.deps.relay.insertReport({
      threadId: thread.id,
      messageId,
      reporterSide: side,
      reason: input.reason,
      details: input.details || null,
      createdAt: this.deps.now(),
    });
    await this.deps.onReport?.({ id, adId: thread.adId, reason: input.reason });
    return id;
  }

  // --- incoming mail (src/messaging/relay-smtp.ts) ------------------------------------------

  /** MAIL FROM: one counter per envelope sender. */
  async acceptSender(from: string): Promise<void> {
    const sender = from.trim().toLowerCase();
    if (!sender) throw new RelayRefusal(550, '5.7.1 The relay does not accept mail without a sender address');
    const { allowed } = await this.deps.limiter.hit(`relay:smtp:${sender}`, this.limits.mailsPerHourPerSender, 3600);
    if (!allowed) throw new RelayRefusal(451, '4.7.1 Too many messages from this address; try again later');
  }

  /**
   * RCPT TO: only live relay identities, and only from the address of the thread's other side.
   * Anything else is refused here, before the message is transferred.
   */
  async acceptRecipient(rcpt: string, from: string): Promise<AliasTarget> {
    const address = rcpt.trim().toLowerCase();
    const at = address.lastIndexOf('@');
    const local = address.slice(0, at);
    const domain = address.slice(at + 1);
    // Built only when refusing: an error captures a stack trace, and RCPT runs for every message.
    const noSuch = () => new RelayRefusal(550, '5.1.1 No such relay address');
    if (at < 0 || domain !== this.deps.relayDomain || !/^reply-[a-z2-7]{16}$/.test(local)) throw noSuch();
    const target = await this.deps.relay.byAlias(local);
    if (!target) throw noSuch();
    const sender = from.trim().toLowerCase();
    const expected = target.owner === 'replier' ? target.thread.posterEmail : target.thread.replierEmail;
    if (sender !== expected || (target.owner === 'poster' && !target.thread.confirmedAt)) {
      throw new RelayRefusal(550, '5.7.1 This relay address does not accept mail from your address');
    }
    if (target.thread.purgedAt || !this.isOpen(target.ad)) {
      throw new RelayRefusal(550, `5.7.1 The ad "${oneLine(target.ad.title)}" has ended, so this conversation is closed and messages are no longer delivered`);
    }
    return target;
  }

  /** DATA, after parsing: forwards the text to the identity's owner, or drops it silently if the sender is blocked. */
  async deliverIncoming(target: AliasTarget, mail: IncomingMail): Promise<'delivered' | 'dropped'> {
    const fromSide: RelaySide = target.owner === 'replier' ? 'poster' : 'replier';
    if (mail.automated) return 'dropped';
    const body = mail.text.length > MAX_MAIL_BODY_CHARS ? `${mail.text.slice(0, MAX_MAIL_BODY_CHARS)}\n[…message shortened by the relay]` : mail.text;
    return this.deliver(target.thread, target.ad, fromSide, 'mail', body, mail.attachments);
  }

  // --- delivery ------------------------------------------------------------------------------

  /** Stores and forwards one message; a blocked replier's message is stored as dropped, which they cannot tell. */
  private async deliver(thread: ThreadRow, ad: Pick<AdRow, 'title' | 'userId'>, fromSide: RelaySide, via: 'web' | 'mail', body: string, attachmentsDropped: number): Promise<'delivered' | 'dropped'> {
    const now = this.deps.now();
    const clean = this.scrub(thread, body);
    const riskKinds = relayRiskKinds(clean, this.deps.links.siteHost, thread);
    // For a poster-bound message, the poster's block, the replier's suspension or ban and the
    // screening facts come from one statement.
    const facts = fromSide === 'replier' ? await this.deps.relay.replierFacts(thread, ad.userId ?? thread.posterUserId, now) : undefined;
    // …and a moderator's block of the replier's address from the relay.
    if (facts && (facts.blocked || facts.relayBlocked || accountRestriction(facts.account, now))) {
      await this.deps.relay.insertMessage({ threadId: thread.id, fromSide, via, body: clean, attachmentsDropped, riskKinds, state: 'dropped', createdAt: now });
      return 'dropped';
    }
    // Mail first: if the mail system fails, nothing is stored and the sender can try again.
    await this.deps.mailer.send(await this.mailFor(thread, ad.title, fromSide, clean, attachmentsDropped, riskKinds, facts && withRisk(facts.screening, riskKinds)));
    await this.deps.relay.insertMessage({ threadId: thread.id, fromSide, via, body: clean, attachmentsDropped, riskKinds, state: 'delivered', createdAt: now, deliveredAt: now });
    return 'delivered';
  }

  /** Delivers a stored, pending message (after its confirmation). */
  private async deliverStored(thread: ThreadRow, ad: AdRow, message: MessageRow): Promise<void> {
    const now = this.deps.now();
    if (message.fromSide === 'replier' && ((await this.isBlocked(thread, ad)) || (await this.deps.relay.relayBlocked(thread.replierEmail, now)))) {
      await this.deps.relay.settleMessage(message.id, 'dropped', now);
      return;
    }
    if (!(await this.deps.relay.settleMessage(message.id, 'delivered', now))) return;
    await this.deps.mailer.send(await this.mailFor(thread, ad.title, message.fromSide, message.body, message.attachmentsDropped, message.riskKinds));
  }

  /** A suspended or banned replier's account (src/accounts/restriction.ts): they may not reply until it ends. */
  private async replierRestriction(thread: ThreadRow) {
    const account = await this.deps.relay.accountOf(thread.replierEmail, thread.replierUserId);
    return account ? accountRestriction(account, this.deps.now()) : null;
  }

  private async refuseRestricted(thread: ThreadRow) {
    const restriction = await this.replierRestriction(thread);
    if (restriction) throw new AppError('forbidden', restrictionMessage(restriction), { message: restrictionMessage(restriction) });
    if (await this.deps.relay.relayBlocked(thread.replierEmail, this.deps.now())) throw new AppError('forbidden', RELAY_BLOCKED_MESSAGE, { message: RELAY_BLOCKED_MESSAGE });
  }

  private isBlocked(thread: ThreadRow, ad: Pick<AdRow, 'userId'>): Promise<boolean> {
    return this.deps.relay.isBlocked({ email: thread.posterEmail, userId: ad.userId ?? thread.posterUserId }, { email: thread.replierEmail, userId: thread.replierUserId });
  }

  /** The mail to the other side; `body` is already scrubbed. */
  private async mailFor(thread: ThreadRow, adTitle: string, fromSide: RelaySide, body: string, attachmentsDropped: number, riskKinds: readonly string[], facts?: ReplierScreening) {
    const toPoster = fromSide === 'replier';
    const screening = toPoster ? screeningLines(facts ?? (await this.deps.relay.screening(thread, this.deps.now())), this.deps.now()) : undefined;
    return relayedMail({
      to: toPoster ? thread.posterEmail : thread.replierEmail,
      fromAddress: this.address(toPoster ? thread.replierAlias : thread.posterAlias),
      relayDomain: this.deps.relayDomain,
      fromSide,
      adTitle,
      body,
      threadUrl: this.deps.links.threadUrl(thread.id, toPoster ? 'poster' : 'replier', thread.linkNonce),
      attachmentsDropped,
      screening,
      first: thread.lastMessageAt.getTime() === thread.createdAt.getTime(),
      warning: warningLines(riskKinds),
    });
  }

  /** Real addresses of either side quoted in a body (a signature, a quoted header) become relay identities. */
  private scrub(thread: ThreadRow, body: string): string {
    let out = body;
    for (const [real, alias] of [
      [thread.posterEmail, thread.posterAlias],
      [thread.replierEmail, thread.replierAlias],
    ] as const) {
      out = out.replace(new RegExp(real.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), this.address(alias));
    }
    return out.slice(0, Math.max(MAX_MAIL_BODY_CHARS, MAX_MESSAGE_CHARS) + 100);
  }

  // --- for other parts of the app ------------------------------------------------------------

  /** Replies (confirmed conversations) per ad, for "My ads". Ads without any map to 0. */
  replyCountsByAd(adIds: number[]): Promise<Map<number, number>> {
    return this.deps.relay.replyCountsByAd(adIds);
  }

  /** Open message reports for the moderation queue (src/moderation/). */
  listOpenMessageReports(limit?: number) {
    return this.deps.relay.listOpenMessageReports(limit);
  }

  /** Upkeep: stamps threads whose ad ended, and purges message bodies 30 days after that. */
  purgeOldThreads(now: Date = this.deps.now()): Promise<{ closed: number; purged: number }> {
    return this.deps.relay.closeAndPurge(now, new Date(now.getTime() - CLOSED_THREAD_READABLE_DAYS * DAY));
  }

  private async enforce(key: string, max: number) {
    const { allowed, retryAfterSeconds } = await this.deps.limiter.hit(key, max, 3600);
    if (!allowed) throw new AppError('rate_limited', 'You have sent many messages in a short time. Please wait a while and try again.', undefined, retryAfterSeconds);
  }
}

function closedError(): AppError {
  return new AppError('gone', 'This ad has ended, so replies to it are closed. Messages are no longer delivered.');
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
