/** The relay's message checker: each risk kind, the evasions the normaliser undoes, and ordinary replies that must not warn. */
import { describe, expect, it } from 'vitest';
import { checkMessage, warningLines, withRisk, type RiskKind } from './message-risk.ts';

const SITE = 'corkboard.example';
const kinds = (text: string, first = false): RiskKind[] => checkMessage(text, { siteHost: SITE, first }).map((f) => f.kind);

describe('checkMessage', () => {
  it.each<[string, RiskKind]>([
    ['Please pay via Western Union, I am abroad', 'off_platform_payment'],
    ['I only take Amazon gift cards or bitcoin', 'off_platform_payment'],
    ['Send a deposit to my account and I ship it', 'off_platform_payment'],
    ['Can we pay outside the site? Fees are high', 'off_platform_payment'],
    ['My client will send more than the price, refund the difference to the mover', 'overpayment'],
    ['I will post a cheque for more, send back the extra', 'overpayment'],
    ['Send me the code you receive by SMS so I can reserve the item', 'verification_code'],
    ['Just tell me the 6-digit code', 'verification_code'],
    ['Whatsapp me asap, I leave town today', 'moving_off_site'],
    ['Pay here: https://secure-pay.delivery-express.xyz/order/881', 'payment_or_delivery_link'],
    ['Track it at paypal-escrow.net', 'payment_or_delivery_link'],
  ])('%s → %s', (text, kind) => {
    expect(kinds(text)).toContain(kind);
  });

  it('reads look-alike letters, zero-width characters, leetspeak and spaced letters as plain words', () => {
    expect(kinds('Send me the c\u043Ede y\u043Eu receive')).toContain('verification_code'); // Cyrillic о
    expect(kinds('pay by west\u200Bern un\u200Cion')).toContain('off_platform_payment');
    expect(kinds('send me the 6 digit c0de')).toContain('verification_code');
    expect(kinds('paid with b i t c o i n only')).toContain('off_platform_payment');
    expect(kinds('r e f u n d the difference please')).toContain('overpayment');
    expect(kinds('go to p\u0430ypal-secure.com now')).toContain('payment_or_delivery_link'); // Cyrillic а in the host
  });

  it('gives the evidence as the sender wrote it', () => {
    const [finding] = checkMessage('hi! send me the c\u043Ede you got', { siteHost: SITE, first: false });
    expect(finding).toMatchObject({ kind: 'verification_code', evidence: 'send me the c\u043Ede' });
  });

  it.each([
    'I can pay cash on pickup',
    'Is it still available? My phone number is +44 7700 900123, call me after 6.',
    'Can I see it on Saturday? I will bring the exact amount.',
    'The code on the door is 4512, ring twice',
    'We could meet today, I have WhatsApp too if that is easier',
    'Here are my details: anna.b@example.org',
    'Is the price negotiable? I saw a similar table for less.',
  ])('does not warn on an ordinary reply: %s', (text) => {
    expect(kinds(text)).toEqual([]);
    expect(kinds(text, true)).toEqual([]);
  });

  it('flags any foreign link in a first message, never a link to the site itself', () => {
    expect(kinds('Photos of mine: https://photos.example.net/album/3', true)).toEqual(['payment_or_delivery_link']);
    expect(kinds('Photos of mine: https://photos.example.net/album/3', false)).toEqual([]);
    expect(kinds('Is this yours? https://corkboard.example/ads/12-oak-table', true)).toEqual([]);
    expect(kinds('Real courier: https://www.dhl.com/en/track', false)).toEqual(['payment_or_delivery_link']);
    expect(kinds('Same model as https://shop.example.com/tables/oak', false)).toEqual([]);
  });

  it('stays linear on hostile input', () => {
    const started = performance.now();
    kinds(`${'code '.repeat(20_000)}${'a.'.repeat(20_000)}`);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('warningLines and withRisk', () => {
  it('names each kind once, in a clinical sentence, and nothing for a clean message', () => {
    const lines = warningLines(['payment_or_delivery_link', 'verification_code'])!;
    expect(lines[0]).toMatch(/^Warning: this message asks for a code sent to you by SMS\. Corkboard never asks for codes/);
    expect(lines[0]).toContain('It also contains a link to a site that is not Corkboard');
    expect(warningLines([])).toBeNull();
    expect(warningLines(['unknown_kind'])).toBeNull();
  });

  it('counts the message being delivered into the poster facts', () => {
    const base = { accountCreatedAt: null, emailConfirmedAt: null, emailVerified: true, phoneVerified: false, adsRepliedLastDay: 1, blockedByOtherPosters: 0, riskyMessages: 1, riskKinds: ['overpayment'] };
    expect(withRisk(base, [])).toBe(base);
    expect(withRisk(base, ['overpayment', 'verification_code'])).toMatchObject({ riskyMessages: 2, riskKinds: ['overpayment', 'verification_code'] });
  });
});
