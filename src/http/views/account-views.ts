/**
 * Account pages: sign up, sign in (password or a mailed link), password reset, the account page
 * with sessions, My ads, phone verification, API tokens and deletion. Plain HTML forms, each with
 * a CSRF field and a real label on every control; after an error the form comes back with what
 * was typed (except passwords, which are never sent back to the browser).
 */
import type { ApiTokenRow, SessionRow, UserRow } from '../../accounts/account.repository.ts';
import { isStaffRole } from '../../accounts/staff-roles.ts';
import type { AdLinks } from '../../listings/ad-mails.ts';
import type { AdRow } from '../../listings/ad.repository.ts';
import { html, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { page } from './layout.ts';
import { STATE_LABELS } from './manage-view.ts';

type Errors = Record<string, string>;
type Values = Record<string, string>;

export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export function errorSummary(errors: Errors): Html | null {
  if (Object.keys(errors).length === 0) return null;
  return html`<div class="notice warn" role="alert" id="form-errors">${errors.form ?? 'Please correct the fields marked below.'}</div>`;
}

export function field(opts: { name: string; id?: string; label: string; type: string; value?: string; errors: Errors; autocomplete?: string; hint?: string; extra?: Html }): Html {
  const id = opts.id ?? opts.name;
  const err = opts.errors[opts.name];
  const describedBy = [err ? `${id}-error` : null, opts.hint ? `${id}-hint` : null].filter(Boolean).join(' ') || null;
  return html`<div class="field${err ? ' invalid' : ''}"><label for="${id}">${opts.label}</label><input type="${opts.type}" id="${id}" name="${opts.name}" value="${opts.value ?? ''}"${
    opts.autocomplete ? html` autocomplete="${opts.autocomplete}"` : null
  } aria-describedby="${describedBy}"${opts.extra ?? null}>${opts.hint ? html`<p class="hint" id="${id}-hint">${opts.hint}</p>` : null}${
    err ? html`<p class="error" id="${id}-error">${err}</p>` : null
  }</div>`;
}

export const accountPage = (title: string, content: Html) => page({ title, noindex: true }, content);

export function signUpPage(csrf: string, values: Values, errors: Errors): Html {
  return accountPage(
    'Create an account',
    html`<h1>Create an account</h1>
<p>An account keeps all your ads in one place and lets you post without a confirmation mail each time. Posting still works without one.</p>
${errorSummary(errors)}
<form class="post" method="post" action="/signup" novalidate>
${csrfField(csrf)}
${field({ name: 'email', label: 'E-mail', type: 'email', value: values.email, errors, autocomplete: 'email' })}
${field({ name: 'password', label: 'Password', type: 'password', errors, autocomplete: 'new-password', hint: 'At least 10 characters. A few unrelated words make a good one.' })}
<p><button type="submit">Create the account</button></p>
</form>
<p>Already have an account? <a href="/signin">Sign in</a>.</p>`,
  );
}

export function checkMailPage(heading: string, text: string, id = 'mail-sent'): Html {
  return accountPage(heading, html`<h1>${heading}</h1><p class="notice ok" id="${id}" role="status">${text}</p>`);
}

/** Mailed links open a page with a button: mail scanners follow links, but do not press buttons. */
export function linkButtonPage(opts: { title: string; text: string; action: string; csrf: string; button: string }): Html {
  return accountPage(
    opts.title,
    html`<h1>${opts.title}</h1><p>${opts.text}</p>
<form method="post" action="${opts.action}">${csrfField(opts.csrf)}<button type="submit">${opts.button}</button></form>`,
  );
}

export function signInPage(opts: { csrf: string; values: Values; errors: Errors; linkErrors?: Errors; next?: string; notice?: string }): Html {
  const { values, errors } = opts;
  const linkErrors = opts.linkErrors ?? {};
  const next = opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : null;
  return accountPage(
    'Sign in',
    html`<h1>Sign in</h1>
${opts.notice ? html`<p class="notice ok" id="flash" role="status">${opts.notice}</p>` : null}
${errorSummary(errors)}
<form class="post" method="post" action="/signin" novalidate id="signin-form">
${csrfField(opts.csrf)}${next}
${field({ name: 'email', id: 'signin-email', label: 'E-mail', type: 'email', value: values.email, errors, autocomplete: 'email' })}
${field({ name: 'password', id: 'signin-password', label: 'Password', type: 'password', errors, autocomplete: 'current-password' })}
<p><button type="submit">Sign in</button> <a href="/password/forgot">Forgot your password?</a></p>
</form>
<h2>Or get a sign-in link by e-mail</h2>
<p>No password needed; it works even when password sign-in is paused after too many attempts.</p>
${Object.keys(linkErrors).length > 0 ? html`<div class="notice warn" role="alert" id="link-errors">${linkErrors.form ?? 'Please correct the e-mail address.'}</div>` : null}
<form class="post" method="post" action="/signin/link" novalidate id="link-form">
${csrfField(opts.csrf)}
${field({ name: 'email', id: 'link-email', label: 'E-mail for the link', type: 'email', value: values.link_email ?? values.email, errors: linkErrors, autocomplete: 'email' })}
<p><button type="submit" class="secondary">E-mail me a sign-in link</button></p>
</form>
<p>New here? <a href="/signup">Create an account</a>.</p>`,
  );
}

export function forgotPasswordPage(csrf: string, values: Values, errors: Errors): Html {
  return accountPage(
    'Reset your password',
    html`<h1>Reset your password</h1>
${errorSummary(errors)}
<form class="post" method="post" action="/password/forgot" novalidate>
${csrfField(csrf)}
${field({ name: 'email', label: 'E-mail', type: 'email', value: values.email, errors, autocomplete: 'email' })}
<p><button type="submit">E-mail me a reset link</button></p>
</form>`,
  );
}

export function resetPasswordPage(action: string, csrf: string, errors: Errors): Html {
  return accountPage(
    'Choose a new password',
    html`<h1>Choose a new password</h1>
${errorSummary(errors)}
<form class="post" method="post" action="${action}" novalidate>
${csrfField(csrf)}
${field({ name: 'password', label: 'New password', type: 'password', errors, autocomplete: 'new-password', hint: 'At least 10 characters. Every other device is signed out.' })}
<p><button type="submit">Save the new password</button></p>
</form>`,
  );
}

function describeAgent(ua: string | null): string {
  if (!ua) return 'Unknown browser';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : null;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null;
  return browser && os ? `${browser} on ${os}` : ua.slice(0, 80);
}

export function accountOverviewPage(opts: { user: UserRow; sessions: SessionRow[]; currentSessionId: number | null; csrf: string; flash?: string; pendingPhone?: string }): Html {
  const { user, csrf } = opts;
  return accountPage(
    'My account',
    html`<h1>My account</h1>
${opts.flash ? html`<p class="notice ok" id="flash" role="status">${opts.flash}</p>` : null}
<p>Signed in as <strong id="account-email">${user.email}</strong>${user.emailVerifiedAt ? ' (confirmed)' : ''}.</p>
<ul>
<li><a href="/account/ads">My ads</a></li>
<li>Phone: ${user.phoneVerifiedAt ? html`<span id="phone-status">${user.phone} (verified)</span>` : html`<span id="phone-status">not verified</span>`} · <a href="/account/phone">${user.phoneVerifiedAt ? 'Change' : 'Verify a phone number'}</a></li>
<li><a href="/account/email" id="change-email-link">Change your e-mail address</a></li>
<li><a href="/account/tokens">API tokens</a> for scripts</li>
${isStaffRole(user.role) ? html`<li>Two-factor sign-in (staff): <span id="two-factor-state">${user.totpEnabledAt ? 'on' : 'not set up yet'}</span> · <a href="${user.totpEnabledAt ? '/account/two-factor/settings' : '/account/two-factor'}">${user.totpEnabledAt ? 'Recovery codes' : 'Set it up'}</a></li>` : null}
<li>${user.passwordHash ? html`<a href="/password/forgot">Change your password</a>` : html`No password set: <a href="/password/forgot">choose one</a>`}</li>
</ul>
<form method="post" action="/signout">${csrfField(csrf)}<button type="submit" class="secondary">Sign out</button></form>
<h2>Where you are signed in</h2>
<table class="sessions" id="sessions">
<thead><tr><th scope="col">Device</th><th scope="col">Signed in</th><th scope="col">Last seen</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${opts.sessions.map(
      (s) => html`<tr data-session="${s.id}"><td>${describeAgent(s.userAgent)}</td><td>${formatDate(s.createdAt)}</td><td>${formatDate(s.lastSeenAt)}</td><td>${
        s.id === opts.currentSessionId
          ? html`<strong>This browser</strong>`
          : html`<form method="post" action="/account/sessions/${s.id}/end">${csrfField(csrf)}<button type="submit" class="secondary">End this session</button></form>`
      }</td></tr>`,
    )}</tbody>
</table>
<h2>Delete your account</h2>
<p><a href="/account/delete">Delete your account and take down your ads</a></p>`,
  );
}


export interface MyAdItem {
  ad: AdRow;
  replies: number;
  links: AdLinks;
  publicPath: string;
  /** Moderation decisions about the ad with their appeal links or states (appeal-views.ts). */
  decisions?: Html | null;
}

export function reasonOf(ad: AdRow): string | null {
  if (ad.state === 'published' || ad.state === 'unconfirmed' || ad.state === 'expired') return null;
  return (ad.screening as { statement?: string } | null)?.statement ?? ad.stateReason ?? null;
}

export function myAdsPage(items: MyAdItem[], flash?: Html): Html {
  return accountPage(
    'My ads',
    html`<h1>My ads</h1>
${flash ?? null}
${items.length === 0
  ? html`<p id="no-ads">You have no ads yet. <a href="/post">Post an ad</a>.</p>`
  : html`<table class="my-ads" id="my-ads">
<thead><tr><th scope="col">Ad</th><th scope="col">State</th><th scope="col">Replies</th><th scope="col">Actions</th></tr></thead>
<tbody>${items.map(({ ad, replies, links, publicPath, decisions }) => {
      const manage = new URL(links.manageUrl).pathname;
      const reason = reasonOf(ad);
      return html`<tr data-ad="${ad.id}"><td>${ad.state === 'published' ? html`<a href="${publicPath}">${ad.title}</a>` : ad.title}<br><span class="hint">Posted ${formatDate(ad.createdAt)}${
        ad.state === 'published' ? ` · expires ${formatDate(ad.expiresAt)}` : ''
      }</span></td><td><span class="state state-${ad.state}">${STATE_LABELS[ad.state] ?? ad.state}</span>${reason ? html`<br><span class="reason">${reason}</span>` : null}${decisions ?? null}</td><td>${replies}</td><td><a href="${manage}">Edit</a>${
        ad.state === 'published' || ad.state === 'expired' ? html` · <a href="${manage}#renew">Renew</a>` : null
      } · <a href="${manage}#delete-form">Delete</a></td></tr>`;
    })}</tbody>
</table>`}
<p><a href="/post">Post another ad</a> · <a href="/account">My account</a></p>`,
  );
}

export function phonePage(opts: { csrf: string; values: Values; errors: Errors; codeErrors?: Errors; pending?: string; verified?: string | null }): Html {
  const codeErrors = opts.codeErrors ?? {};
  return accountPage(
    'Verify a phone number',
    html`<h1>Verify a phone number</h1>
<p>A verified phone shows buyers that a real person stands behind your ads. It is never shown unless you choose to show it on an ad.</p>
${opts.verified ? html`<p>Verified now: <strong>${opts.verified}</strong>.</p>` : null}
${errorSummary(opts.errors)}
<form class="post" method="post" action="/account/phone" novalidate>
${csrfField(opts.csrf)}
${field({ name: 'phone', label: 'Phone number', type: 'tel', value: opts.values.phone ?? opts.pending, errors: opts.errors, autocomplete: 'tel', hint: 'With the country code, such as +1 312 555 0142.' })}
<p><button type="submit"${opts.pending ? html` class="secondary"` : null}>Text me a code</button></p>
</form>
${opts.pending
  ? html`<h2>Enter the code</h2><p class="notice ok" id="code-sent" role="status">We texted a 6-digit code to ${opts.pending}.</p>
${Object.keys(codeErrors).length > 0 ? html`<div class="notice warn" role="alert" id="code-errors">${codeErrors.form ?? 'Please correct the code.'}</div>` : null}
<form class="post" method="post" action="/account/phone/verify" novalidate>
${csrfField(opts.csrf)}
${field({ name: 'code', label: 'Code', type: 'text', value: opts.values.code, errors: codeErrors, autocomplete: 'one-time-code', extra: html` inputmode="numeric"` })}
<p><button type="submit">Verify</button></p>
</form>`
  : null}
<p><a href="/account">Back to my account</a></p>`,
  );
}

export function tokensPage(opts: { csrf: string; tokens: ApiTokenRow[]; values: Values; errors: Errors; created?: { name: string; token: string; scope?: string }; flash?: string; staff?: boolean }): Html {
  const scope = opts.values.scope === 'staff' ? 'staff' : 'ads';
  const scopeChoice = opts.staff
    ? html`<fieldset class="field${opts.errors.scope ? ' invalid' : ''}"><legend>What may it do?</legend>
<label class="check" for="scope-ads"><input type="radio" id="scope-ads" name="scope" value="ads"${scope === 'ads' ? html` checked` : null}> Your ads only</label>
<label class="check" for="scope-staff"><input type="radio" id="scope-staff" name="scope" value="staff"${scope === 'staff' ? html` checked` : null}${opts.errors.scope ? html` aria-describedby="scope-error"` : null}> Your ads and the moderation API (queue, items, decisions, statements of reasons; it stops working if you stop being staff)</label>
${opts.errors.scope ? html`<p class="error" id="scope-error">${opts.errors.scope}</p>` : null}</fieldset>`
    : opts.errors.scope
      ? html`<p class="error" id="scope-error">${opts.errors.scope}</p>`
      : null;
  return accountPage(
    'API tokens',
    html`<h1>API tokens</h1>
<p>A token lets a script post, edit and delete your ads through the <a href="/api/openapi.json">API</a>: send it as <code>Authorization: Bearer &lt;token&gt;</code>. Treat it like a password.</p>
${opts.flash ? html`<p class="notice ok" id="flash" role="status">${opts.flash}</p>` : null}
${opts.created
  ? html`<div class="notice ok" id="new-token" role="status"><p>Your new token “${opts.created.name}”. Copy it now: it is shown only this once.</p><p><label for="token-value">Token</label> <input type="text" id="token-value" readonly value="${opts.created.token}" size="50"></p></div>`
  : null}
${errorSummary(opts.errors)}
<form class="post" method="post" action="/account/tokens" novalidate>
${csrfField(opts.csrf)}
${field({ name: 'name', label: 'Token name', type: 'text', value: opts.values.name, errors: opts.errors, hint: 'What it is for, such as "stock import script".' })}
${scopeChoice}
<p><button type="submit">Create a token</button></p>
</form>
<h2>Your tokens</h2>
${opts.tokens.length === 0
  ? html`<p id="no-tokens">No tokens yet.</p>`
  : html`<table id="tokens"><thead><tr><th scope="col">Name</th><th scope="col">Scope</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>${opts.tokens.map(
      (t) => html`<tr data-token="${t.id}"><td>${t.name}</td><td>${t.scope === 'staff' ? 'ads and moderation' : 'ads'}</td><td>${formatDate(t.createdAt)}</td><td>${t.lastUsedAt ? formatDate(t.lastUsedAt) : 'never'}</td><td><form method="post" action="/account/tokens/${t.id}/revoke">${csrfField(opts.csrf)}<button type="submit" class="secondary">Revoke</button></form></td></tr>`,
    )}</tbody></table>`}
<p><a href="/account">Back to my account</a></p>`,
  );
}

export function deleteAccountPage(opts: { csrf: string; errors: Errors; hasPassword: boolean; retentionDays: number; adCount: number }): Html {
  const { errors } = opts;
  return accountPage(
    'Delete your account',
    html`<h1>Delete your account</h1>
<p>This takes down your ${opts.adCount === 1 ? 'ad' : `${opts.adCount} ads`} at once and erases your e-mail address, password, phone number, sessions and API tokens.</p>
<p>What is kept: the records of your ads (their text and the address they were posted under) are kept for ${opts.retentionDays} days, as required for moderation and legal requests, and then purged.</p>
${errorSummary(errors)}
<form class="post" method="post" action="/account/delete" novalidate id="delete-account-form">
${csrfField(opts.csrf)}
${opts.hasPassword ? field({ name: 'password', id: 'delete-password', label: 'Your password', type: 'password', errors, autocomplete: 'current-password' }) : null}
<div class="field${errors.confirm ? ' invalid' : ''}"><label class="check" for="confirm-delete-account"><input type="checkbox" id="confirm-delete-account" name="confirm" value="yes"${
      errors.confirm ? html` aria-describedby="confirm-error"` : null
    }> Yes, delete my account</label>${errors.confirm ? html`<p class="error" id="confirm-error">${errors.confirm}</p>` : null}</div>
<p><button type="submit" class="danger">Delete my account</button></p>
</form>
<p><a href="/account">Keep my account</a></p>`,
  );
}

export function accountDeletedPage(retentionDays: number, adsTakenDown: number): Html {
  return accountPage(
    'Account deleted',
    html`<h1>Your account is deleted</h1>
<p class="notice ok" id="account-deleted" role="status">Your e-mail address, password, phone number, sessions and API tokens are erased${
      adsTakenDown > 0 ? `, and your ${adsTakenDown === 1 ? 'ad is' : `${adsTakenDown} ads are`} taken down` : ''
    }.</p>
<p>Ad records are kept for ${retentionDays} days as required for moderation and legal requests, then purged.</p>
<p><a href="/">Back to the home page</a></p>`,
  );
}
