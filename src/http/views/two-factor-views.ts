/**
 * The two-factor step for staff: enrolment (secret in groups, otpauth:// link, QR code as inline
 * SVG, confirm with a code), the code form at each sign-in, and the recovery codes shown once.
 */
import type { Enrolment } from '../../accounts/two-factor.service.ts';
import { html, raw, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { page } from './layout.ts';
import { csrfField, errorSummary, field } from './account-views.ts';

type Errors = Record<string, string>;

const nextField = (next: string | undefined) => (next ? html`<input type="hidden" name="next" value="${next}">` : null);
const codeExtra = html` inputmode="numeric" autocomplete="one-time-code" spellcheck="false"`;

export function enrolPage(opts: { email: string; enrolment: Enrolment; csrf: string; next?: string; errors: Errors }): Html {
  const { enrolment: e, errors } = opts;
  return page(
    { title: 'Set up two-factor sign-in', noindex: true },
    html`<h1>Set up two-factor sign-in</h1>
<p>Staff accounts need a second step at each sign-in: a 6-digit code from an authenticator app on your phone (any app that supports TOTP, such as FreeOTP, Aegis, Google Authenticator or 1Password).</p>
<ol>
<li>In the app, add an account by scanning this code:
<div class="totp-qr" role="img" aria-label="QR code for your authenticator app">${raw(e.qrSvg)}</div></li>
<li>Or type this key by hand (account: ${opts.email}, time-based):
<p><code class="totp-secret" id="totp-secret" data-secret="${e.secret}">${e.grouped}</code></p>
<p class="hint">On a phone you can also open <a class="totp-uri" id="totp-uri" href="${e.uri}">${e.uri}</a>.</p></li>
<li>Type the code the app shows now to turn the step on.</li>
</ol>
${errorSummary(errors)}
<form class="post" method="post" action="/account/two-factor/enrol" novalidate>
${csrfField(opts.csrf)}${nextField(opts.next)}
${field({ name: 'code', id: 'totp-code', label: 'Code from the app', type: 'text', errors, autocomplete: 'one-time-code', hint: '6 digits; a new one every 30 seconds.', extra: html` inputmode="numeric" spellcheck="false"` })}
<p><button type="submit">Turn on two-factor sign-in</button></p>
</form>`,
  );
}

/** What a stale session is told: admin pages want a code entered within the last `hours` hours. */
export const freshCodeReason = (hours: number) =>
  `Admin pages, new recovery codes and staff API tokens need a code entered in the last ${hours === 1 ? 'hour' : `${hours} hours`}. Enter the code your app shows now to continue.`;

export function codePage(opts: { csrf: string; next?: string; errors: Errors; staleHours?: number }): Html {
  const { errors } = opts;
  return page(
    { title: 'Two-factor sign-in', noindex: true },
    html`<h1>Two-factor sign-in</h1>
<p${opts.staleHours ? html` id="fresh-code-reason"` : null}>${opts.staleHours ? freshCodeReason(opts.staleHours) : 'Staff pages need the code from your authenticator app.'}</p>
${errorSummary(errors)}
<form class="post" method="post" action="/account/two-factor" novalidate>
${csrfField(opts.csrf)}${nextField(opts.next)}
${field({ name: 'code', id: 'totp-code', label: 'Code', type: 'text', errors, hint: 'The 6-digit code your app shows now, or one of your recovery codes if you lost your phone.', extra: codeExtra })}
<p><button type="submit">Verify</button></p>
</form>
<p>No phone and no recovery code? Ask an admin to reset your two-factor sign-in.</p>`,
  );
}

/**
 * The code form in front of a refused admin POST: it posts the original form's fields again (hidden)
 * to the same address with the code, so nothing typed is lost. Files cannot be carried over: each
 * file field asks for its file again.
 */
export function confirmCodePage(opts: { action: string; csrf: string; codeField: string; fields: [string, string][]; fileFields: string[]; hours: number; errors: Errors }): Html {
  const { errors } = opts;
  const multipart = opts.fileFields.length > 0;
  return page(
    { title: 'Confirm with your two-factor code', noindex: true },
    html`<h1>Confirm with your two-factor code</h1>
<p id="fresh-code-reason">${freshCodeReason(opts.hours)} Your change is kept and is made once the code is accepted.</p>
${errorSummary(errors)}
<form class="post" id="confirm-code" method="post" action="${opts.action}"${multipart ? html` enctype="multipart/form-data"` : null} novalidate>
${csrfField(opts.csrf)}${opts.fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${field({ name: opts.codeField, id: 'totp-code', label: 'Code', type: 'text', errors, hint: 'The 6-digit code your app shows now, or one of your recovery codes.', extra: codeExtra })}
${opts.fileFields.map((name) => html`<div class="field"><label for="file-${name}">Choose the file again</label><input type="file" id="file-${name}" name="${name}"><p class="hint">Browsers cannot carry a chosen file from one page to the next.</p></div>`)}
<p><button type="submit">Confirm</button></p>
</form>`,
  );
}

export function recoveryCodesPage(opts: { codes: string[]; next: string; renewed?: boolean }): Html {
  return page(
    { title: 'Your recovery codes', noindex: true },
    html`<h1>${opts.renewed ? 'New recovery codes' : 'Two-factor sign-in is on'}</h1>
<p class="notice ok" role="status" id="flash">${opts.renewed ? 'Your earlier recovery codes no longer work.' : 'From now on, staff pages ask for a code from your app once per sign-in, and admin pages again when the last code is older than a few hours.'}</p>
<h2>Recovery codes</h2>
<p>If you lose your phone, each of these codes works once instead of a code from the app. Keep them somewhere safe, away from your phone; this is the only time they are shown.</p>
<ul class="recovery-codes" id="recovery-codes">${opts.codes.map((c) => html`<li>${c}</li>`)}</ul>
<p><a class="button" href="${opts.next}">Continue</a></p>`,
  );
}

export function twoFactorSettingsPage(opts: { enabledAt: Date; recoveryCodesLeft: number; csrf: string }): Html {
  return page(
    { title: 'Two-factor sign-in', noindex: true },
    html`<h1>Two-factor sign-in</h1>
<p id="two-factor-status">On since ${formatDate(opts.enabledAt)}. Recovery codes left: <strong>${opts.recoveryCodesLeft}</strong> of 10.</p>
<p>Used some, or lost the list? Make new ones: the old codes stop working at once.</p>
<form method="post" action="/account/two-factor/recovery-codes">${csrfField(opts.csrf)}<button type="submit">Make 10 new recovery codes</button></form>
<p>New phone? Ask an admin to reset your two-factor sign-in, then set it up again.</p>
<p><a href="/account">Back to my account</a></p>`,
  );
}
