/**
 * The mails the relay sends. Plain text only: no HTML, no pixels, no rewritten links, nothing that
 * tracks a reader. Neither side's real address appears; each reply goes to the other side's
 * relay identity (From and Reply-To), and the Message-ID names the relay domain.
 */
import { randomBytes } from 'node:crypto';
import type { RelaySide } from '../db/schema.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { RISK_KINDS, RISK_LABELS } from './message-risk.ts';
import type { ReplierScreening } from './relay.repository.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The screening facts a poster sees next to each reply, one line each (mail and thread page). */
export function screeningLines(s: ReplierScreening, now: Date): string[] {
  const ageDays = s.accountCreatedAt ? Math.floor((now.getTime() - s.accountCreatedAt.getTime()) / 86_400_000) : 0;
  return [
    s.accountCreatedAt
      ? `Account: ${ageDays === 0 ? 'created today' : `${ageDays} day${ageDays === 1 ? '' : 's'} old`} (since ${day(s.accountCreatedAt)})`
      : `Account: none, e-mail confirmed on ${s.emailConfirmedAt ? day(s.emailConfirmedAt) : 'not yet'}`,
    `E-mail verified: ${s.emailVerified ? 'yes' : 'no'} · Phone verified: ${s.phoneVerified ? 'yes' : 'no'}`,
    `Ads replied to in the last day: ${s.adsRepliedLastDay}`,
    `Blocked by other posters: ${s.blockedByOtherPosters === 0 ? 'no' : `yes, by ${s.blockedByOtherPosters}`}`,
    `Messages with a scam warning: ${s.riskyMessages === 0 ? 'none' : `${s.riskyMessages} (${RISK_KINDS.filter((k) => s.riskKinds.includes(k)).map((k) => RISK_LABELS[k]).join(', ')})`}`,
  ];
}

export function relayHeaders(fromAddress: string, relayDomain: string): Record<string, string> {
  return {
    'Reply-To': fromAddress,
    'Message-ID': `<${randomBytes(12).toString('hex')}@${relayDomain}>`,
    'X-Corkboard-Relay': fromAddress,
  };
}

export function confirmReplyMail(to: string, adTitle: string, confirmUrl: string): MailMessage {
  return {
    to,
    subject: `Confirm your reply: ${adTitle}`,
    text: `You wrote to the poster of "${adTitle}" on Corkboard.

Your message is not sent yet. To send it, open this link:
${confirmUrl}

This check is done once per conversation, to keep the relay free of spam. Your address is never
shown to the poster: they see a relay address instead.
If you did not write this message, ignore this mail and nothing will be sent.
`,
  };
}

export interface RelayedMailInput {
  to: string;
  /** The sender's relay identity (full address): where the recipient's answer goes. */
  fromAddress: string;
  relayDomain: string;
  fromSide: RelaySide;
  adTitle: string;
  body: string;
  threadUrl: string;
  attachmentsDropped: number;
  /** Shown to the poster next to a replier's message. */
  screening?: string[];
  first: boolean;
  /** The scam warning for this message's reader (message-risk.ts `warningLines`), shown above everything else. */
  warning?: string[] | null;
}

export function relayedMail(m: RelayedMailInput): MailMessage {
  const who = m.fromSide === 'replier' ? 'Someone replied to your ad' : 'The poster answered you';
  const dropped =
    m.attachmentsDropped > 0
      ? `\n[${m.attachmentsDropped} attachment${m.attachmentsDropped === 1 ? ' was' : 's were'} removed: the relay forwards text only. Ask the sender to share files another way if you need them.]\n`
      : '';
  const screening = m.screening ? `\nAbout this replier:\n${m.screening.map((l) => `  ${l}`).join('\n')}\n` : '';
  return {
    to: m.to,
    subject: `${m.first && m.fromSide === 'replier' ? 'Reply' : 'Re'}: ${m.adTitle}`,
    text: `${m.warning ? `${m.warning.join('\n')}\n${'='.repeat(70)}\n\n` : ''}${who} on Corkboard: "${m.adTitle}".
----------------------------------------------------------------------
${m.body}
----------------------------------------------------------------------
${dropped}${screening}
Answer by replying to this mail, or on the conversation page:
${m.threadUrl}
Your own address stays hidden: the other side only sees ${m.fromSide === 'replier' ? 'your relay address' : 'a relay address'}.
${m.fromSide === 'replier' ? 'On the conversation page you can also block this replier or report the message.\n' : 'You can report a message on the conversation page.\n'}
Never send money ahead to someone you have not met, and meet in a public place.
`,
    // From and Reply-To both name the other side's relay identity, so any mail client answers
    // through the relay. (Production needs SPF/DKIM for the relay domain: see docs/relay.md.)
    from: `Corkboard relay <${m.fromAddress}>`,
    headers: relayHeaders(m.fromAddress, m.relayDomain),
  };
}
