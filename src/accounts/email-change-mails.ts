/** The mails of an e-mail address change: the link to the new address, notices to the old one. */
import type { MailMessage } from '../mail/mailer.ts';

export function confirmNewEmailMail(to: string, url: string, hours: number): MailMessage {
  return {
    to,
    subject: 'Confirm your new Corkboard e-mail address',
    text: `Someone signed in to a Corkboard account asked to use this address for it from now on.

Open this link to confirm the change:
${url}

The link works once and expires in ${hours} hours. Until it is used, the account keeps its old address.
If you did not ask for this, ignore this mail: nothing changes without the link.
`,
  };
}

export function emailChangeRequestedMail(to: string, newEmail: string, resetUrl: string, hours: number): MailMessage {
  return {
    to,
    subject: 'Your Corkboard e-mail address is about to change',
    text: `Someone signed in to your Corkboard account with its password asked to change its e-mail address to ${newEmail}.
The change happens only when the link we sent to ${newEmail} is opened (within ${hours} hours).

If this was you, there is nothing to do.

If it was not you, someone knows your password. Secure your account now:
1. Choose a new password: ${resetUrl}
   (the link goes to this address). A new password cancels the pending change and signs out every device.
2. Check "Where you are signed in" on your account page and end any session you do not recognise.
`,
  };
}

export function emailChangedMail(to: string, newEmail: string, resetUrl: string): MailMessage {
  return {
    to,
    subject: 'Your Corkboard e-mail address was changed',
    text: `Your Corkboard account now uses ${newEmail}. Mail about your account, your ads, replies and saved searches goes there from now on, and every other device was signed out.

If you did not make this change, write to us by replying to this mail, and ask for a password reset (${resetUrl}) from the new address if you can still read it.
`,
  };
}
