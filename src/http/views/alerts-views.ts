/** Pages of saved-search alerts: save a search, check your mail, confirm, manage, unsubscribe. */
import type { SavedSearchRow } from '../../alerts/alerts.repository.ts';
import { FREQUENCY_LABELS } from '../../alerts/alert-input.ts';
import { ALERT_FREQUENCIES } from '../../db/schema.ts';
import { html, type Html } from '../html.ts';
import { queryString } from './format.ts';
import { page } from './layout.ts';

function fieldError(errors: Record<string, string>, key: string): Html | null {
  return errors[key] ? html`<p class="field-error" id="${key}-error">${errors[key]}</p>` : null;
}

function frequencyOptions(selected: string): Html[] {
  return ALERT_FREQUENCIES.map((f) => html`<option value="${f}" ${selected === f ? 'selected' : ''}>${FREQUENCY_LABELS[f]}</option>`);
}

export interface SaveSearchPageInput {
  description: string;
  params: Record<string, string>;
  csrfToken: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  /** The signed-in person's verified address: no e-mail field, no confirmation. */
  accountEmail?: string;
}

export function saveSearchPage(input: SaveSearchPageInput): Html {
  const { errors, values } = input;
  const list = Object.values(errors);
  return page(
    { title: 'Save this search', noindex: true },
    html`<h1>Save this search and get alerts</h1>
<p>New ads for <strong>${input.description}</strong> (<a href="/search${queryString(input.params)}">see the search</a>) will be e-mailed to you.</p>
${list.length > 0 ? html`<div class="notice warn" role="alert"><ul>${list.map((e) => html`<li>${e}</li>`)}</ul></div>` : null}
<form method="post" action="/alerts" id="save-search">
  <input type="hidden" name="_csrf" value="${input.csrfToken}">
  ${Object.entries(input.params).map(([k, v]) => html`<input type="hidden" name="s_${k}" value="${v}">`)}
  ${input.accountEmail
    ? html`<p>Alerts go to <strong>${input.accountEmail}</strong>, your account's address.</p>`
    : html`<label for="alert-email">Your e-mail address</label>
  <input id="alert-email" type="email" name="email" autocomplete="email" required value="${values.email ?? ''}" ${errors.email ? html`aria-invalid="true" aria-describedby="email-error"` : null}>
  ${fieldError(errors, 'email')}
  <p class="hint">We send one mail to confirm; no alert goes out before you open it.</p>`}
  <label for="alert-frequency">How often</label>
  <select id="alert-frequency" name="frequency" ${errors.frequency ? html`aria-invalid="true" aria-describedby="frequency-error"` : null}>${frequencyOptions(values.frequency ?? 'daily')}</select>
  ${fieldError(errors, 'frequency')}
  <p><button type="submit">Save search</button></p>
</form>`,
  );
}

export function alertSentPage(confirmed: boolean): Html {
  return page(
    { title: confirmed ? 'Search saved' : 'Check your e-mail', noindex: true },
    confirmed
      ? html`<h1>Search saved</h1><p class="notice ok" id="alert-saved">Your alerts are on. Every alert mail has a link to change or stop them.</p>`
      : html`<h1>Almost done: check your e-mail</h1><p class="notice ok" id="alert-sent">We sent you a link to confirm this alert. Nothing is sent until you open it.</p>`,
  );
}

export function confirmAlertPage(description: string, action: string, csrfToken: string): Html {
  return page(
    { title: 'Confirm your alert', noindex: true },
    html`<h1>Confirm your alert</h1>
<p>E-mail me new ads for <strong>${description}</strong>.</p>
<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">Start my alerts</button></form>`,
  );
}

export function alertConfirmedPage(description: string, manageUrl: string): Html {
  return page(
    { title: 'Alert confirmed', noindex: true },
    html`<h1>Your alert is on</h1>
<p class="notice ok" id="alert-confirmed">We will e-mail you new ads for <strong>${description}</strong>.</p>
<p><a href="${manageUrl}">Manage your alerts</a></p>`,
  );
}

export function unsubscribePage(description: string, action: string, csrfToken: string): Html {
  return page(
    { title: 'Unsubscribe', noindex: true },
    html`<h1>Stop this alert?</h1>
<p>You will get no more mail about <strong>${description}</strong>.</p>
<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(): Html {
  return page(
    { title: 'Unsubscribed', noindex: true },
    html`<h1>You are unsubscribed</h1><p class="notice ok" id="unsubscribed">This alert is off: you will get no more mail about it.</p><p><a href="/">Back to Corkboard</a></p>`,
  );
}

export interface ManageAlertsInput {
  basePath: string;
  email: string;
  searches: { row: SavedSearchRow; description: string }[];
  csrfToken: string;
  flash?: string;
  errors?: Record<string, string>;
}

export function manageAlertsPage(input: ManageAlertsInput): Html {
  const errors = input.errors ?? {};
  return page(
    { title: 'Your alerts', noindex: true },
    html`<h1>Your alerts</h1>
<p>Saved searches for <strong>${input.email}</strong>.</p>
${input.flash ? html`<p class="notice ok" role="status">${input.flash}</p>` : null}
${input.searches.length === 0 ? html`<p>You have no saved searches.</p>` : null}
<ul class="alerts">${input.searches.map(({ row, description }) => html`<li data-saved-search="${row.id}">
  <p><a href="/search${queryString(row.params)}">${description}</a>${row.confirmedAt ? null : html` <em>(not confirmed yet: open the link in the confirmation mail)</em>`}</p>
  <form method="post" action="${input.basePath}/${row.id}/frequency">
    <input type="hidden" name="_csrf" value="${input.csrfToken}">
    <label for="freq-${row.id}">How often</label>
    <select id="freq-${row.id}" name="frequency">${frequencyOptions(row.frequency)}</select>
    ${errors[`frequency-${row.id}`] ? html`<p class="field-error">${errors[`frequency-${row.id}`]}</p>` : null}
    <button type="submit">Save</button>
  </form>
  <form method="post" action="${input.basePath}/${row.id}/delete">
    <input type="hidden" name="_csrf" value="${input.csrfToken}">
    <button type="submit">Delete this alert</button>
  </form>
</li>`)}</ul>`,
  );
}
