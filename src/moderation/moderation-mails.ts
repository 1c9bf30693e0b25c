/** Mail sent by moderation: statements of reasons to posters, receipts and outcomes to notifiers. */
import type { MailMessage } from '../mail/mailer.ts';
import { replierStatementText, statementText, type StatementRow } from './statements.ts';

export function statementMail(to: string, adTitle: string, statement: StatementRow, appealUrl: string): MailMessage {
  return {
    to,
    subject: `Decision about your ad: ${adTitle.slice(0, 80)}`,
    text: `${statementText(statement, adTitle)}\n\nAppeal this decision (free, within six months):\n${appealUrl}\n\nReference: ${statement.puid}\n`,
  };
}

/** A statement of reasons to the replier who sent a reported relay message (src/moderation/replier-decisions.ts). */
export function replierStatementMail(to: string, adTitle: string, statement: StatementRow, appealUrl: string): MailMessage {
  return {
    to,
    subject: `Decision about your message on Corkboard (reference ${statement.puid})`,
    text: `${replierStatementText(statement, adTitle)}\n\nAppeal this decision (free, within six months):\n${appealUrl}\n\nReference: ${statement.puid}\n`,
  };
}

export function posterNoticeMail(to: string, adTitle: string, what: 'approved' | 'warned' | 'moved', detail: string): MailMessage {
  const first = {
    approved: 'A moderator checked your ad and it is live.',
    warned: 'A moderator checked your ad. It stays online, but please read this warning: another breach of the same rule may lead to removal or a posting ban.',
    moved: 'A moderator moved your ad to the category that fits it.',
  }[what];
  return { to, subject: `About your ad: ${adTitle.slice(0, 80)}`, text: `About your ad "${adTitle}".\n\n${first}\n${detail ? `\n${detail}\n` : ''}` };
}

export function noticeReceiptMail(to: string, noticeId: number, adId: number, at: Date): MailMessage {
  return {
    to,
    subject: `We received your report (reference N-${noticeId})`,
    text: `Thank you. We received your report about ad ${adId} on ${at.toUTCString()} (reference N-${noticeId}).\n\nA moderator will review it. We will write to you again when we have decided, and tell you whether any automated tools were used.\n`,
  };
}

export function noticeOutcomeMail(to: string, noticeId: number, adId: number, outcome: string, automated: boolean): MailMessage {
  return {
    to,
    subject: `Outcome of your report (reference N-${noticeId})`,
    text: `We reviewed your report about ad ${adId} (reference N-${noticeId}).\n\nOutcome: ${outcome}\n${automated ? 'Automated tools were used in this decision.' : 'A moderator took this decision.'}\n\nIf you disagree, you can reply to this message within six months and another moderator will look at it again.\n`,
  };
}

/** `about`: the poster's ad, or (a reported replier) their message about the ad. */
export type AppealSubject = 'ad' | 'message';
const appealAbout = (about: AppealSubject, adTitle: string) => (about === 'ad' ? `your ad "${adTitle}"` : `a message you sent through the relay about the ad "${adTitle}"`);

export function appealReceiptMail(to: string, appealId: number, adTitle: string, puid: string, at: Date, about: AppealSubject = 'ad'): MailMessage {
  return {
    to,
    subject: `We received your appeal (reference A-${appealId})`,
    text: `We received your appeal about ${appealAbout(about, adTitle)} on ${at.toUTCString()} (reference A-${appealId}, decision ${puid}).\n\nA moderator who did not take the original decision will review it. We will write to you with the outcome and the reason for it.\n`,
  };
}

export function appealOutcomeMail(to: string, appealId: number, adTitle: string, outcome: 'upheld' | 'reversed', reason: string, detail: string, about: AppealSubject = 'ad'): MailMessage {
  const head =
    outcome === 'reversed'
      ? 'A moderator reviewed your appeal and reversed the decision.'
      : 'A moderator reviewed your appeal and upheld the decision: it stays as it was.';
  return {
    to,
    subject: `Outcome of your appeal (reference A-${appealId})`,
    text: `About ${appealAbout(about, adTitle)} (appeal A-${appealId}).\n\n${head}\n\nReason: ${reason}\n${detail ? `\n${detail}\n` : ''}\nThis moderator did not take the original decision. If you still disagree, you can refer the matter to a certified out-of-court dispute settlement body (DSA Art. 21) or to a court.\n`,
  };
}

/** To a replier whose relay block an admin lifted by hand (an appeal's outcome mail says it otherwise). */
export function relayBlockLiftedMail(to: string, publicUrl: string): MailMessage {
  return {
    to,
    subject: 'You can reply to ads on Corkboard again',
    text: `The block on your address in Corkboard's reply relay has been lifted after a review by our staff.\n\nYou can again answer ads through the relay. Our rules for messages still apply: ${publicUrl}/about/safety\n`,
  };
}
