/** The page to change an account's e-mail address. */
import { html, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { accountPage, csrfField, errorSummary, field } from './account-views.ts';

export function changeEmailPage(opts: {
  csrf: string;
  current: string;
  hasPassword: boolean;
  pending?: { email: string; expiresAt: Date };
  values: Record<string, string>;
  errors: Record<string, string>;
}): Html {
  const { errors } = opts;
  return accountPage(
    'Change your e-mail address',
    html`<h1>Change your e-mail address</h1>
<p>Your address now: <strong id="current-email">${opts.current}</strong>.</p>
<p>We send a link to the new address; the change happens when you open it. Until then everything keeps going to the current address, which we also tell about the change.
Your ads, replies and saved searches move to the new address; every other device is signed out.</p>
${opts.pending
  ? html`<p class="notice ok" id="pending-change" role="status">Waiting for you to open the link we sent to <strong>${opts.pending.email}</strong> (valid until ${formatDate(opts.pending.expiresAt)}). Asking again sends a new link and cancels this one.</p>`
  : null}
${opts.hasPassword
  ? html`${errorSummary(errors)}
<form class="post" method="post" action="/account/email" novalidate id="change-email-form">
${csrfField(opts.csrf)}
${field({ name: 'email', id: 'new-email', label: 'New e-mail address', type: 'email', value: opts.values.email, errors, autocomplete: 'email' })}
${field({ name: 'password', id: 'change-email-password', label: 'Your current password', type: 'password', errors, autocomplete: 'current-password' })}
<p><button type="submit">Send the confirmation link</button></p>
</form>`
  : html`<p class="notice warn" id="no-password">Your account has no password yet. <a href="/password/forgot">Choose one</a> first (we mail you a link); changing the address asks for it.</p>`}
<p><a href="/account">Back to my account</a></p>`,
  );
}
