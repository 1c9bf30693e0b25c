/** The mails a poster receives about an ad. Plain text: readable in every client, nothing to track. */
import type { MailMessage } from '../mail/mailer.ts';

export interface AdLinks {
  confirmUrl: string;
  manageUrl: string;
  publicUrl: string;
}

export function confirmMail(to: string, title: string, links: AdLinks): MailMessage {
  return {
    to,
    subject: `Confirm your ad: ${title}`,
    text: `Thanks for posting on Corkboard.

Your ad "${title}" is not public yet. Confirm it by opening this link:
${links.confirmUrl}

Keep this mail: this private link lets you edit, renew or delete the ad at any time.
${links.manageUrl}

Anyone with the private link can change your ad, so do not share it.
If you did not post this ad, ignore this mail and the ad will never be published.
`,
  };
}

export function decisionMail(to: string, title: string, state: 'published' | 'held' | 'rejected', statement: string, links: AdLinks): MailMessage {
  const head =
    state === 'published'
      ? `Your ad "${title}" is live:\n${links.publicUrl}`
      : state === 'held'
        ? `Your ad "${title}" is waiting for a review by our moderators before it goes live.`
        : `Your ad "${title}" was not published.`;
  return {
    to,
    subject: state === 'published' ? `Your ad is live: ${title}` : state === 'held' ? `Your ad is under review: ${title}` : `Your ad was not published: ${title}`,
    text: `${head}

${statement}

Manage your ad (edit, renew, delete):
${links.manageUrl}
`,
  };
}

export function reminderMail(to: string, title: string, expiresAt: Date, links: AdLinks): MailMessage {
  return {
    to,
    subject: `Your ad expires soon: ${title}`,
    text: `Your ad "${title}" expires on ${expiresAt.toUTCString()}.

Renew it to keep it listed and move it back to the top:
${links.manageUrl}
`,
  };
}
