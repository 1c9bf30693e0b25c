/**
 * Checks one relay message for the ways classifieds users lose money (pay off the site, overpayment,
 * an SMS code, a look-alike payment or delivery link, a move to a messenger under time pressure).
 * Pure: text in, risk kinds with evidence out. It reads the screening engine's normalised tokens and
 * link scanner rather than raw text, so look-alike letters, zero-width characters, leetspeak and
 * s p a c e d letters read the same as plain words, and no regular expression runs over user text.
 */
import { normaliseText } from '../screening/index.ts';
import { findHandles } from '../screening/contacts/handles.ts';
import type { Token } from '../screening/normalise/index.ts';
import type { ReplierScreening } from './relay.repository.ts';

/** Most harmful first: warnings and facts list them in this order. */
export const RISK_KINDS = ['verification_code', 'payment_or_delivery_link', 'overpayment', 'off_platform_payment', 'moving_off_site'] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

export interface RiskFinding {
  kind: RiskKind;
  /** The words of the original message that matched (offsets into it too). */
  evidence: string;
  start: number;
  end: number;
}

/**
 * Phrases per kind, as canonical words (`#` = any number). One table so that reviewing or extending
 * the wording is one place; phrases are specific enough that "I can pay cash on pickup" or "my phone
 * number is …" match nothing.
 */
const PHRASES: Readonly<Record<Exclude<RiskKind, 'payment_or_delivery_link'>, readonly string[]>> = {
  off_platform_payment: [
    'western union', 'moneygram', 'money gram', 'wire transfer', 'wire the money', 'wire you the money', 'gift card', 'gift cards',
    'itunes card', 'steam card', 'google play card', 'amazon voucher', 'bitcoin', 'btc', 'crypto', 'usdt', 'ethereum',
    'pay outside', 'payment outside', 'outside the site', 'outside corkboard', 'off the site', 'friends and family',
    'send a deposit', 'send the deposit', 'send deposit', 'send me a deposit', 'deposit to my account', 'transfer to my account',
    'money to my account', 'pay in advance', 'advance payment', 'prepayment',
  ],
  overpayment: [
    'refund the difference', 'return the difference', 'send back the difference', 'send me the difference', 'refund the rest',
    'send back the rest', 'return the rest', 'send back the extra', 'refund the extra', 'more than the price', 'more than the asking',
    'more than you asked', 'overpay', 'overpaid', 'overpayment', 'cheque for more', 'check for more', 'extra money',
  ],
  verification_code: [
    'code you receive', 'code you received', 'code you will receive', 'code you get', 'code you got', 'code sent to your phone',
    'code sent to you', 'code we sent', 'code by sms', 'code by text', 'code in the sms', 'sms code', 'text code', 'verification code',
    'confirmation code', 'security code', 'one time code', 'otp', '# digit code', 'digit code', 'send me the code', 'tell me the code',
    'give me the code', 'forward the code', 'read me the code',
  ],
  moving_off_site: ['whatsapp', 'whats app', 'telegram', 'viber', 'signal me', 'wechat', 'text me on', 'message me on'],
};

/** Moving to a messenger is only a risk with time pressure; alone it is how people arrange pickups. */
const URGENCY = ['urgent', 'urgently', 'asap', 'immediately', 'right now', 'right away', 'quickly', 'hurry', 'today only', 'as soon as possible', 'fast'];

/** Words that make a foreign link a payment or delivery page (found in its host or path). */
const LINK_WORDS = ['pay', 'secure', 'deliver', 'courier', 'escrow', 'verify', 'verif', 'safe', 'refund', 'ship', 'track', 'parcel', 'order', 'checkout', 'wallet', 'bank', 'login', 'confirm'];
/** Brands scammers imitate; a link naming one is suspect unless it is that brand's own domain. */
const BRANDS = ['paypal', 'dhl', 'ups', 'fedex', 'dpd', 'hermes', 'gls', 'usps', 'royalmail', 'evri', 'olx', 'avito', 'kleinanzeigen', 'ebay', 'craigslist', 'gumtree', 'corkboard', 'stripe', 'visa', 'mastercard', 'revolut', 'wise'];
const BRAND_DOMAINS = new Set(['paypal.com', 'dhl.com', 'dhl.de', 'ups.com', 'fedex.com', 'dpd.com', 'usps.com', 'royalmail.com', 'evri.com', 'ebay.com', 'stripe.com', 'wise.com', 'revolut.com']);

/** Kinds that get a warning block in front of the reader (all of them: see docs/relay.md "Scam warnings"). */
export const WARNING_TEXT: Readonly<Record<RiskKind, string>> = {
  verification_code: 'asks for a code sent to you by SMS. Corkboard never asks for codes; anyone who has the code can take over your account or payment.',
  payment_or_delivery_link: 'contains a link to a site that is not Corkboard. Do not enter card or bank details on pages sent in messages: Corkboard has no payment or delivery pages.',
  overpayment: 'offers to pay more than the price and asks for the difference back. Such payments are reversed later; never send money back.',
  off_platform_payment: 'asks for payment outside Corkboard (wire transfer, gift cards, crypto, a deposit). Never pay ahead to someone you have not met.',
  moving_off_site: 'urges you to continue on a messenger. Messages there are not protected by the relay; keep the conversation here.',
};

interface Phrase {
  kind: RiskKind | 'urgency';
  words: string[];
}

/** Phrases by their first word, so each token position looks only at phrases that can start there. */
const BY_FIRST: ReadonlyMap<string, Phrase[]> = (() => {
  const map = new Map<string, Phrase[]>();
  const add = (kind: Phrase['kind'], text: string) => {
    const words = text.split(' ');
    const list = map.get(words[0]) ?? [];
    list.push({ kind, words });
    map.set(words[0], list);
  };
  for (const [kind, phrases] of Object.entries(PHRASES) as [RiskKind, readonly string[]][]) for (const p of phrases) add(kind, p);
  for (const p of URGENCY) add('urgency', p);
  return map;
})();

const wordMatches = (t: Token, w: string) => (w === '#' ? t.numeric : t.special === undefined && t.forms.includes(w));

function phraseHits(tokens: readonly Token[]): { kind: Phrase['kind']; start: number; end: number }[] {
  const hits: { kind: Phrase['kind']; start: number; end: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const candidates = t.numeric ? BY_FIRST.get('#') : t.forms.flatMap((f) => BY_FIRST.get(f) ?? []);
    for (const p of candidates ?? []) {
      if (i + p.words.length > tokens.length) continue;
      if (p.words.every((w, j) => wordMatches(tokens[i + j], w))) hits.push({ kind: p.kind, start: t.start, end: tokens[i + p.words.length - 1].end });
    }
  }
  return hits;
}

function hostOf(url: string): string {
  const scheme = url.indexOf('://');
  const rest = scheme === -1 ? url : url.slice(scheme + 3);
  let end = rest.length;
  for (const c of ['/', ':', '?', '#']) {
    const at = rest.indexOf(c);
    if (at !== -1 && at < end) end = at;
  }
  return rest.slice(0, end);
}

const isOwnHost = (host: string, siteHost: string) => siteHost !== '' && (host === siteHost || host.endsWith(`.${siteHost}`));

/** Why a link is a payment or delivery link, or null; `first`: any foreign link in a first message counts. */
function linkRisk(url: string, siteHost: string, first: boolean): boolean {
  const host = hostOf(url);
  if (isOwnHost(host, siteHost)) return false;
  if (first) return true;
  const domain = host.split('.').slice(-2).join('.');
  if (BRANDS.some((b) => host.includes(b)) && !BRAND_DOMAINS.has(domain)) return true;
  return LINK_WORDS.some((w) => url.includes(w));
}

export interface CheckOptions {
  /** The site's own host name (from PUBLIC_URL): links to it are never a risk. */
  siteHost: string;
  /** The first message of a conversation: any foreign link in it is flagged. */
  first: boolean;
}

/** The risk kinds of one message, each once, in RISK_KINDS order, with the first evidence found. */
export function checkMessage(text: string, options: CheckOptions): RiskFinding[] {
  const norm = normaliseText(text);
  const found = new Map<RiskKind, RiskFinding>();
  const note = (kind: RiskKind, start: number, end: number) => {
    if (!found.has(kind)) found.set(kind, { kind, evidence: text.slice(start, end), start, end });
  };
  const hits = phraseHits(norm.tokens);
  const urgent = hits.some((h) => h.kind === 'urgency');
  for (const h of hits) {
    if (h.kind === 'urgency') continue;
    if (h.kind === 'moving_off_site' && !urgent) continue;
    note(h.kind, h.start, h.end);
  }
  // A messenger handle ("telegram: x", "@x") with urgency is the same move without the app's name.
  if (urgent && !found.has('moving_off_site')) {
    const handle = findHandles(norm.tokens, norm.stream).find((h) => h.kind === 'handle');
    if (handle) note('moving_off_site', handle.start, handle.end);
  }
  for (const link of norm.links) {
    if (link.kind !== 'url' || !linkRisk(link.value, options.siteHost.toLowerCase(), options.first)) continue;
    note('payment_or_delivery_link', norm.stream.start[link.from], norm.stream.end[link.to - 1]);
  }
  return RISK_KINDS.filter((k) => found.has(k)).map((k) => found.get(k)!);
}

/** The warning block shown above a message for its reader, or null when it carries no risk. */
export function warningLines(kinds: readonly string[]): string[] | null {
  const known = RISK_KINDS.filter((k) => kinds.includes(k));
  if (known.length === 0) return null;
  return [
    `Warning: this message ${known.map((k) => WARNING_TEXT[k]).join(' It also ')}`,
    'Corkboard never asks for codes or payments in messages. If this looks wrong, report the message on the conversation page.',
  ];
}

/** Short names for the poster's screening facts. */
export const RISK_LABELS: Readonly<Record<RiskKind, string>> = {
  verification_code: 'asked for an SMS code',
  payment_or_delivery_link: 'payment or delivery link',
  overpayment: 'offered to overpay',
  off_platform_payment: 'asked to pay off the site',
  moving_off_site: 'pushed to a messenger',
};

/**
 * The risk kinds the relay stores with a message. Nothing is held: the message is delivered with a
 * warning for its reader, who is the one at risk, and the sender is not told (docs/relay.md). A
 * thread whose last message time is still its creation time has no earlier message: this is the first.
 */
export function relayRiskKinds(body: string, siteHost: string, thread: { createdAt: Date; lastMessageAt: Date }): string[] {
  const first = thread.lastMessageAt.getTime() === thread.createdAt.getTime();
  return checkMessage(body, { siteHost, first }).map((f) => f.kind);
}

/** The poster's facts were read before this message was stored: count it in, so the poster sees it at once. */
export function withRisk(s: ReplierScreening, kinds: readonly string[]): ReplierScreening {
  if (kinds.length === 0) return s;
  return { ...s, riskyMessages: s.riskyMessages + 1, riskKinds: [...new Set([...s.riskKinds, ...kinds])] };
}
