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

export function staffInvitationMail(to: string, roleName: string, url: string, hours: number): MailMessage {
  return {
    to,
    subject: `You have been added to Corkboard's staff (${roleName})`,
    text: `An admin gave this address the role "${roleName}" on Corkboard.

Choose a password to open your account:
${url}

The link works once and expires in ${hours} hours. At your first visit to the staff pages you will
set up two-factor sign-in with an authenticator app on your phone.
If you do not expect this, ignore this mail and tell the site's admins.
`,
  };
}

export function staffRoleMail(to: string, roleName: string | null, publicUrl: string): MailMessage {
  return {
    to,
    subject: roleName ? `Your Corkboard staff role: ${roleName}` : 'You are no longer on Corkboard staff',
    text: roleName
      ? `Your Corkboard account now has the role "${roleName}".

The staff pages: ${publicUrl}/staff/queue
They ask for a code from an authenticator app once per sign-in (admin pages again after some hours); the first time, you set it up.
`
      : `Your Corkboard account no longer has a staff role. It stays open as an ordinary account.
`,
  };
}
