/**
 * The trusted flaggers admin page: the list with what each has raised, the add form (per-field
 * errors, typed values kept) and a remove form per entry with a confirmation box.
 */
import type { TrustedFlaggerListing } from '../../moderation/trusted-flagger-admin.ts';
import { html, raw, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { csrfField, staffPage } from './staff-views.ts';

type FieldErrors = Record<string, string>;

export interface TrustedFlaggersPageInput {
  flaggers: TrustedFlaggerListing[];
  csrf: string;
  flash?: string | null;
  failed?: { form: string; values: Record<string, string>; errors: FieldErrors } | null;
}

const KIND_LABEL = { account: 'Account', email: 'E-mail address', domain: 'E-mail domain' } as const;
const KIND_CHOICE = { account: 'the account with this e-mail address (it must exist)', email: 'this exact e-mail address', domain: 'every address in this domain' } as const;

const fieldError = (errors: FieldErrors | undefined, key: string, id: string) =>
  errors?.[key] ? html`<p class="error" id="${id}-error">${errors[key]}</p>` : null;
const invalid = (errors: FieldErrors | undefined, key: string) => (errors?.[key] ? ' invalid' : '');
const describedBy = (errors: FieldErrors | undefined, key: string, id: string) => (errors?.[key] ? raw(` aria-invalid="true" aria-describedby="${id}-error"`) : null);

/** What the entry matches, as an admin reads it: an account by its current address. */
function matches(f: TrustedFlaggerListing): Html {
  if (f.kind === 'account') return f.accountEmail ? html`${f.accountEmail} <small>(account ${f.value})</small>` : html`account ${f.value} <small>(closed or erased)</small>`;
  if (f.kind === 'domain') return html`any address @${f.value}`;
  return html`${f.value}`;
}

export function trustedFlaggersPage(v: TrustedFlaggersPageInput): Html {
  const add = v.failed?.form === 'add' ? v.failed : null;
  const values = add?.values ?? {};
  const kind = values.kind ?? 'account';
  const errors = v.failed?.errors;
  const general = errors?.form ?? null;
  return staffPage(
    'Trusted flaggers',
    html`<h1>Trusted flaggers</h1>
<p>Organisations designated as trusted flaggers (DSA Art. 22). Their notices go to the front of their queue priority, and decisions on them name a trusted flagger as the source. Quick flags from a trusted flagger hold the ad at once: an <strong>account</strong> entry covers that account; <strong>e-mail address</strong> and <strong>domain</strong> entries cover signed-in accounts whose confirmed address matches, and the address given on a notice.</p>
${v.flash ? html`<p class="notice ok" role="status" id="flash">${v.flash}</p>` : null}
${errors && Object.keys(errors).length > 0 ? html`<div class="notice warn" role="alert" id="form-errors">Nothing was saved.${general ? html` ${general}` : html` Please correct the field marked below; what you typed is kept.`}</div>` : null}
${v.flaggers.length === 0
      ? html`<p id="no-flaggers">No trusted flaggers yet.</p>`
      : html`<table class="staff" id="flaggers"><thead><tr><th scope="col">Organisation</th><th scope="col">Kind</th><th scope="col">Matches</th><th scope="col">Added</th><th scope="col">Notices</th><th scope="col">Flags</th><th scope="col">Remove</th></tr></thead><tbody>${v.flaggers.map((f) => {
          const rm = v.failed?.form === `remove-${f.id}` ? v.failed : null;
          const id = `confirm-${f.id}`;
          return html`<tr data-flagger="${f.id}"><th scope="row">${f.organisation}</th><td>${KIND_LABEL[f.kind]}</td><td>${matches(f)}</td><td>${formatDate(f.createdAt)}</td><td class="count" data-notices="${f.notices}">${f.notices}</td><td class="count">${f.kind === 'account' ? f.flags : '—'}</td>
<td><form method="post" action="/staff/admin/trusted-flaggers/${f.id}/remove" class="inline-form">${csrfField(v.csrf)}
<div class="field${invalid(rm?.errors, 'confirm')}"><label class="check" for="${id}"><input type="checkbox" id="${id}" name="confirm" value="yes"${describedBy(rm?.errors, 'confirm', id)}> Yes, remove ${f.organisation}</label>${fieldError(rm?.errors, 'confirm', id)}</div>
<button type="submit" class="danger">Remove</button></form></td></tr>`;
        })}</tbody></table>`}
<h2>Add a trusted flagger</h2>
<form method="post" action="/staff/admin/trusted-flaggers" id="add-form">${csrfField(v.csrf)}
<div class="field${invalid(add?.errors, 'organisation')}"><label for="organisation">Organisation</label><input id="organisation" name="organisation" value="${values.organisation ?? ''}" maxlength="120" size="40"${describedBy(add?.errors, 'organisation', 'organisation')}>${fieldError(add?.errors, 'organisation', 'organisation')}</div>
<fieldset class="field${invalid(add?.errors, 'kind')}"><legend>Trust</legend>
${(['account', 'email', 'domain'] as const).map(
      (k) => html`<label class="check"><input type="radio" name="kind" value="${k}"${k === kind ? raw(' checked') : null}> ${KIND_CHOICE[k]}</label>`,
    )}
${fieldError(add?.errors, 'kind', 'kind')}</fieldset>
<div class="field${invalid(add?.errors, 'value')}"><label for="value">E-mail address or domain</label><input id="value" name="value" value="${values.value ?? ''}" maxlength="254" size="40"${describedBy(add?.errors, 'value', 'value')}>${fieldError(add?.errors, 'value', 'value')}</div>
<p><button type="submit">Add</button></p>
</form>`,
  );
}
