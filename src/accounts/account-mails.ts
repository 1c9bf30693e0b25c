/** The mails an account holder receives. Plain text, one link each, and what to do if it was not them. */
import type { MailMessage } from '../mail/mailer.ts';

export function confirmEmailMail(to: string, url: string, hours: number): MailMessage {
  return {
    to,
    subject: 'Confirm your Corkboard account',
    text: `Welcome to Corkboard.

Open this link to confirm your e-mail address and start using your account:
${url}

The link works once and expires in ${hours} hours.
Ads you posted earlier with this address will appear under "My ads".
If you did not sign up, ignore this mail: no account is opened without it.
`,
  };
}

export function alreadyRegisteredMail(to: string, signInUrl: string, resetUrl: string): MailMessage {
  return {
    to,
    subject: 'You already have a Corkboard account',
    text: `Someone (probably you) tried to sign up on Corkboard with this address, which already has an account.

Sign in: ${signInUrl}
Forgot your password? ${resetUrl}

If it was not you, ignore this mail: nothing was changed.
`,
  };
}

export function signInLinkMail(to: string, url: string, minutes: number): MailMessage {
  return {
    to,
    subject: 'Your Corkboard sign-in link',
    text: `Open this link to sign in to Corkboard:
${url}

The link works once and expires in ${minutes} minutes. It works even when password sign-in is paused after failed attempts.
If you did not ask for it, ignore this mail; consider changing your password if you get many.
`,
  };
}

export function resetPasswordMail(to: string, url: string, minutes: number): MailMessage {
  return {
    to,
    subject: 'Reset your Corkboard password',
    text: `Open this link to choose a new password:
${url}

The link works once and expires in ${minutes} minutes. Choosing a new password signs out every other device.
If you did not ask for it, ignore this mail: your password stays as it is.
`,
  };
}

export function accountDeletedMail(to: string, retentionDays: number): MailMessage {
  return {
    to,
    subject: 'Your Corkboard account is deleted',
    text: `Your Corkboard account is deleted and your ads are taken down.

Records of your ads are kept for ${retentionDays} days, as required for moderation and legal requests, and then purged.
`,
  };
}
