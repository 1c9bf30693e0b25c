/**
 * Admin pages (staff with the admin role): the category tree, the screening policy with its preview,
 * and the image hash banks. Plain forms with CSRF; every refused input comes back with its message
 * next to the field and the typed value kept.
 */
import { formatAnchor, headLine, type AuditHead } from '../../audit/audit-log.ts';
import type { OutboxCounts, OutboxRow } from '../../mail/mail-outbox.repository.ts';
import type { BankSummary } from '../../screening-store/hash-banks.ts';
import type { PolicyPreview } from '../../screening-store/policy-preview.ts';
import type { StoredPolicyInfo } from '../../screening-store/policy-store.ts';
import { html, raw, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { csrfField, staffPage } from './staff-views.ts';

export type FieldErrors = Record<string, string>;

const fieldError = (errors: FieldErrors | undefined, key: string, id: string) =>
  errors?.[key] ? html`<p class="error" id="${id}-error">${errors[key]}</p>` : null;
const invalid = (errors: FieldErrors | undefined, key: string) => (errors?.[key] ? ' invalid' : '');
const describedBy = (errors: FieldErrors | undefined, key: string, id: string) => (errors?.[key] ? raw(` aria-invalid="true" aria-describedby="${id}-error"`) : null);
const flashOf = (flash: string | null | undefined) => (flash ? html`<p class="notice ok" role="status" id="flash">${flash}</p>` : null);
/** What was refused; messages not tied to an input (`form`, `parent`) are shown here in full. */
const summary = (errors: FieldErrors | undefined) => {
  if (!errors || Object.keys(errors).length === 0) return null;
  const general = ['form', 'parent'].flatMap((k) => (errors[k] ? [errors[k]] : []));
  const fieldCount = Object.keys(errors).length - general.length;
  return html`<div class="notice warn" role="alert" id="form-errors">Nothing was saved.${general.map((m) => html` ${m}`)}${fieldCount > 0 ? html` Please correct the field${fieldCount > 1 ? 's' : ''} marked below; what you typed is kept.` : null}</div>`;
};

export function adminHomePage(opts: { auditHead: AuditHead; site: string; mail: OutboxCounts }): Html {
  const m = opts.mail;
  return staffPage(
    'Admin',
    html`<h1>Admin</h1>
${m.givenUp > 0
      ? html`<p class="notice warn" role="status" id="mail-given-up"><strong>${m.givenUp} ${m.givenUp === 1 ? 'mail was' : 'mails were'} given up</strong> after failing for days (statements of reasons among them, perhaps): see the <a href="/staff/admin/mail">mail outbox</a> and retry once the cause is fixed.</p>`
      : null}
<ul>
<li><a href="/staff/admin/mail">Mail outbox</a>: <span id="mail-counts">${m.pending} waiting to be sent (${m.failing} failing), ${m.givenUp} given up</span></li>
<li><a href="/staff/admin/staff">Staff members</a>: add moderators, change roles, reset two-factor</li>
<li><a href="/staff/admin/categories">Categories</a>: rename, expiry days, subcategories, order, archive</li>
<li><a href="/staff/admin/policy">Screening policy</a>: edit the rules, preview their effect on live ads, save a new version</li>
<li><a href="/staff/admin/hash-banks">Image hash banks</a>: import, change the action, delete</li>
<li><a href="/staff/admin/trusted-flaggers">Trusted flaggers</a>: organisations whose notices go to the front of the queue (DSA Art. 22)</li>
<li><a href="/staff/admin/relay-blocks">Relay blocks</a>: addresses blocked from the reply relay, with who blocked them and why; lift one</li>
<li><a href="/staff/admin/staff">Staff</a>: add members, change roles, reset two-factor sign-in, remove</li>
</ul>
<h2>Audit log head</h2>
<p><code id="audit-head">${headLine(opts.auditHead, opts.site)}</code></p>
<p class="hint">Publish this line where the database's administrators cannot change it (a ticket, a signed e-mail, a notary service). Later, <code>corkboard audit verify --anchor ${formatAnchor(opts.auditHead)}</code> proves that the log was not rewritten up to this entry. The server also writes it to its log every hour ("audit head").</p>`,
  );
}

// --- mail outbox ---------------------------------------------------------------------------------

export interface MailOutboxPageInput {
  counts: OutboxCounts;
  givenUp: OutboxRow[];
  retrying: OutboxRow[];
  csrf: string;
  flash?: string | null;
  /** A refused retry: why. */
  message?: string | null;
}

export function mailOutboxPage(v: MailOutboxPageInput): Html {
  const c = v.counts;
  const when = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  const head = (last: string) =>
    html`<thead><tr><th scope="col">Written (UTC)</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Attempts</th><th scope="col">${last}</th><th scope="col">Last error</th></tr></thead>`;
  const cells = (r: OutboxRow) => html`<td>${when(r.createdAt)}</td><td>${r.message.to}</td><td>${r.message.subject}</td><td>${r.attempts}</td>`;
  return staffPage(
    'Mail outbox',
    html`<h1>Mail outbox</h1>
<p>Mail that must not be lost (statements of reasons, report and appeal receipts and outcomes, the screening decision on a posted ad) is written to the outbox with the decision and sent right after it. A failed send is tried again after 1 minute, then after twice as long each time, at most hourly. A mail is <strong>given up</strong> when it has failed at least 10 times and was written at least 3 days ago: it is no longer tried and waits here. Fix the cause (the SMTP server, its credentials, the address), then retry it: the delivery job tries it once more within 30 seconds, and if that fails too it comes back here with the new error.</p>
${flashOf(v.flash)}
${v.message ? html`<p class="notice warn" role="alert" id="form-errors">${v.message}</p>` : null}
<dl class="item-facts" id="mail-counts">
<dt>Waiting to be sent</dt><dd data-count="pending">${c.pending}</dd>
<dt>of which failing (being retried)</dt><dd data-count="failing">${c.failing}</dd>
<dt>Given up</dt><dd data-count="given-up">${c.givenUp}</dd>
</dl>
<h2>Given up</h2>
${c.givenUp > 1
      ? html`<form method="post" action="/staff/admin/mail/retry-given-up" id="retry-all">${csrfField(v.csrf)}<p><button type="submit">Retry all ${c.givenUp} given-up mails</button> <span class="hint">once the cause (say, an SMTP outage) is fixed</span></p></form>`
      : null}
${v.givenUp.length === 0
      ? html`<p id="no-given-up">None.</p>`
      : html`<table class="staff" id="given-up">${head('Retry')}<tbody>${v.givenUp.map(
          (r) => html`<tr data-mail="${r.id}">${cells(r)}<td><form method="post" action="/staff/admin/mail/${r.id}/retry" class="inline-form">${csrfField(v.csrf)}<button type="submit" aria-label="Retry mail ${r.id} to ${r.message.to}">Retry</button></form></td><td class="error-text">${r.lastError ?? ''}</td></tr>`,
        )}</tbody></table>${c.givenUp > v.givenUp.length ? html`<p class="hint">The newest ${v.givenUp.length} of ${c.givenUp}.</p>` : null}`}
<h2>Failing, still being retried</h2>
${v.retrying.length === 0
      ? html`<p id="no-retrying">None.</p>`
      : html`<table class="staff" id="retrying">${head('Next try (UTC)')}<tbody>${v.retrying.map(
          (r) => html`<tr data-mail="${r.id}">${cells(r)}<td>${when(r.nextAttemptAt)}</td><td class="error-text">${r.lastError ?? ''}</td></tr>`,
        )}</tbody></table>${c.failing > v.retrying.length ? html`<p class="hint">The newest ${v.retrying.length} of ${c.failing}.</p>` : null}`}`,
  );
}

// --- categories ----------------------------------------------------------------------------------

export interface AdminCategory {
  id: number;
  slug: string;
  name: string;
  parentId: number | null;
  position: number;
  expiryDays: number;
  archived: boolean;
  live: number;
  total: number;
}

export interface CategoriesPageInput {
  categories: AdminCategory[];
  csrf: string;
  flash?: string | null;
  /** The form that was refused: which one, its values and its errors. */
  failed?: { form: string; values: Record<string, string>; errors: FieldErrors } | null;
}

export function categoriesPage(v: CategoriesPageInput): Html {
  const tops = v.categories.filter((c) => c.parentId === null).sort((a, b) => a.position - b.position);
  const childrenOf = (id: number) => v.categories.filter((c) => c.parentId === id).sort((a, b) => a.position - b.position);
  const failed = (form: string) => (v.failed?.form === form ? v.failed : null);

  const row = (c: AdminCategory, siblings: AdminCategory[], index: number) => {
    const f = failed(`edit-${c.id}`);
    const values = f?.values ?? { name: c.name, expiry_days: String(c.expiryDays) };
    const nameId = `name-${c.id}`;
    const daysId = `expiry-${c.id}`;
    return html`<tr class="${c.parentId === null ? 'top' : 'child'}${c.archived ? ' archived' : ''}" data-category="${c.slug}">
<th scope="row">${c.name} <small><code>${c.slug}</code></small>${c.archived ? html` <strong class="state">archived</strong>` : null}</th>
<td class="count" data-live="${c.live}">${c.live} live<br><small>${c.total} in all</small></td>
<td><form method="post" action="/staff/admin/categories/${c.id}" class="inline-form">${csrfField(v.csrf)}
<div class="field${invalid(f?.errors, 'name')}"><label for="${nameId}">Name</label><input id="${nameId}" name="name" value="${values.name ?? ''}" maxlength="80" size="18"${describedBy(f?.errors, 'name', nameId)}>${fieldError(f?.errors, 'name', nameId)}</div>
<div class="field${invalid(f?.errors, 'expiry_days')}"><label for="${daysId}">Expiry days</label><input id="${daysId}" name="expiry_days" value="${values.expiry_days ?? ''}" inputmode="numeric" size="4"${describedBy(f?.errors, 'expiry_days', daysId)}>${fieldError(f?.errors, 'expiry_days', daysId)}</div>
<button type="submit">Save</button></form></td>
<td><form method="post" action="/staff/admin/categories/${c.id}/move" class="inline-form">${csrfField(v.csrf)}
${index > 0 ? html`<button type="submit" name="direction" value="up" class="secondary" aria-label="Move ${c.name} up">↑ Up</button>` : null}
${index < siblings.length - 1 ? html`<button type="submit" name="direction" value="down" class="secondary" aria-label="Move ${c.name} down">↓ Down</button>` : null}
</form></td>
<td><form method="post" action="/staff/admin/categories/${c.id}/archive" class="inline-form">${csrfField(v.csrf)}
${c.archived
  ? html`<button type="submit" name="archived" value="0" class="secondary">Unarchive</button>`
  : html`<button type="submit" name="archived" value="1" class="secondary">Archive</button>`}</form></td>
</tr>`;
  };

  const addForm = (top: AdminCategory) => {
    const f = failed(`add-${top.id}`);
    const values = f?.values ?? { name: '', slug: '', expiry_days: String(top.expiryDays) };
    const id = (k: string) => `add-${top.id}-${k}`;
    return html`<tr class="add"><td colspan="5"><form method="post" action="/staff/admin/categories/${top.id}/children" class="inline-form">${csrfField(v.csrf)}
<strong>Add a subcategory to ${top.name}:</strong>
<div class="field${invalid(f?.errors, 'name')}"><label for="${id('name')}">Name</label><input id="${id('name')}" name="name" value="${values.name ?? ''}" maxlength="80" size="18"${describedBy(f?.errors, 'name', id('name'))}>${fieldError(f?.errors, 'name', id('name'))}</div>
<div class="field${invalid(f?.errors, 'slug')}"><label for="${id('slug')}">Address part <span class="hint">(optional, from the name)</span></label><input id="${id('slug')}" name="slug" value="${values.slug ?? ''}" maxlength="80" size="16"${describedBy(f?.errors, 'slug', id('slug'))}>${fieldError(f?.errors, 'slug', id('slug'))}</div>
<div class="field${invalid(f?.errors, 'expiry_days')}"><label for="${id('days')}">Expiry days</label><input id="${id('days')}" name="expiry_days" value="${values.expiry_days ?? ''}" inputmode="numeric" size="4"${describedBy(f?.errors, 'expiry_days', id('days'))}>${fieldError(f?.errors, 'expiry_days', id('days'))}</div>
<button type="submit">Add</button></form></td></tr>`;
  };

  return staffPage(
    'Categories',
    html`<h1>Categories</h1>
<p>Changes apply on this server at once and on the other servers within about 15 seconds. An archived category is no longer offered when posting or in the menus; its ads keep it and stay visible and searchable until they expire. Expiry days apply to ads posted or renewed from now on. A new subcategory has its parent's form fields.</p>
${flashOf(v.flash)}
${summary(v.failed?.errors)}
<table class="staff admin-tree">
<thead><tr><th scope="col">Category</th><th scope="col">Ads</th><th scope="col">Name and expiry</th><th scope="col">Order</th><th scope="col">Archive</th></tr></thead>
${tops.map((top, i) => {
      const children = childrenOf(top.id);
      return html`<tbody>${row(top, tops, i)}${children.map((c, j) => row(c, children, j))}${addForm(top)}</tbody>`;
    })}
</table>`,
  );
}

// --- screening policy ----------------------------------------------------------------------------

export interface PolicyPageInput {
  current: StoredPolicyInfo;
  history: { id: number; version: string; by: string | null; at: Date; note: string | null }[];
  csrf: string;
  /** The YAML in the editor: the current policy, or what the admin typed. */
  source: string;
  note: string;
  flash?: string | null;
  /** The loader's problems with the edited text (`path: message`), or a refused save. */
  issues?: { path: string; message: string }[];
  errors?: FieldErrors;
  preview?: PolicyPreview | null;
  /** Hash of the previewed text: Save stores it only if the text is still the one previewed. */
  previewed?: string | null;
  message?: string | null;
}

function delta(current: number, edited: number): Html {
  const d = edited - current;
  if (d === 0) return html`±0`;
  return html`<span class="${d > 0 ? 'delta-up' : 'delta-down'}">${d > 0 ? '+' : '−'}${Math.abs(d)}</span>`;
}

function previewSection(p: PolicyPreview): Html {
  const hits = (x: { review: number; reject: number }) => x.review + x.reject;
  return html`<section id="preview" aria-labelledby="preview-h"><h2 id="preview-h">Preview: what the edited policy would do to live ads</h2>
<p>${p.sampled
    ? html`<strong>Screened the newest ${p.screened.toLocaleString('en')} of ${p.liveAds.toLocaleString('en')} live ads</strong> (older ones are not in this preview; <code>corkboard rescan</code> checks all of them).`
    : html`Screened all ${p.screened.toLocaleString('en')} live ads.`}
Text rules and text signals only: links between ads, template groups and image hash banks are not part of this preview.</p>
<table class="staff" id="preview-totals"><thead><tr><th scope="col"></th><th scope="col">Current (${p.current.version})</th><th scope="col">Edited (${p.edited.version})</th><th scope="col">Change</th></tr></thead>
<tbody>
<tr data-row="hit"><th scope="row">Would be hit (held or rejected)</th><td>${hits(p.current)}</td><td>${hits(p.edited)}</td><td>${delta(hits(p.current), hits(p.edited))}</td></tr>
<tr data-row="review"><th scope="row">held for review</th><td>${p.current.review}</td><td>${p.edited.review}</td><td>${delta(p.current.review, p.edited.review)}</td></tr>
<tr data-row="reject"><th scope="row">rejected</th><td>${p.current.reject}</td><td>${p.edited.reject}</td><td>${delta(p.current.reject, p.edited.reject)}</td></tr>
</tbody></table>
<p id="newly-hit"><strong>${p.newlyHit}</strong> live ${p.newlyHit === 1 ? 'ad' : 'ads'} that the current policy publishes would now be hit; <strong>${p.noLongerHit}</strong> hit now would no longer be.</p>
${p.newlyHitExamples.length > 0 ? html`<ul class="examples">${p.newlyHitExamples.map((e) => html`<li><a href="${e.url}">${e.title}</a> <small>ad ${e.id}</small></li>`)}</ul>` : null}
${p.changes.length === 0
    ? html`<p>No rule or label matches a different set of these ads.</p>`
    : html`<table class="staff" id="preview-changes"><caption>Rules and labels that match different ads</caption><thead><tr><th scope="col">Rule or label</th><th scope="col">Current</th><th scope="col">Edited</th><th scope="col">Change</th><th scope="col">Examples (up to 10)</th></tr></thead>
<tbody>${p.changes.map(
        (c) => html`<tr data-key="${c.key}"><th scope="row">${c.kind === 'label' ? 'label ' : ''}<code>${c.key}</code></th><td>${c.current}</td><td>${c.edited}</td><td>${delta(c.current, c.edited)}</td><td><ul class="examples">${c.examples.map((e) => html`<li><a href="${e.url}">${e.title}</a></li>`)}</ul><small>${c.edited >= c.current ? 'newly matched' : 'no longer matched'}</small></td></tr>`,
      )}</tbody></table>`}
</section>`;
}

export function policyPage(v: PolicyPageInput): Html {
  const c = v.current;
  const issues = v.issues ?? [];
  const sourceError = v.errors?.source ?? (issues.length > 0 ? 'The policy is not valid: see the problems listed above the editor.' : null);
  return staffPage(
    'Screening policy',
    html`<h1>Screening policy</h1>
${flashOf(v.flash)}
<dl class="item-facts" id="current-policy">
<dt>In force</dt><dd>version <strong>${c.version}</strong></dd>
<dt>Source</dt><dd>${c.origin === 'bundled' ? html`the bundled file <code>policy/default.yaml</code> (no version saved here yet)` : html`saved by ${c.createdByEmail ?? (c.createdBy ? `user ${c.createdBy}` : 'unknown')} on ${c.createdAt ? formatDate(c.createdAt) : '?'}${c.note ? html`: “${c.note}”` : null}`}</dd>
</dl>
<p>A saved version is used for new and edited ads on this server at once and on the others within 5 seconds. Live ads keep their earlier verdict until <code>corkboard rescan</code> re-screens them.</p>
${v.message ? html`<p class="notice warn" role="status">${v.message}</p>` : null}
${issues.length > 0
      ? html`<div class="notice warn" role="alert" id="policy-issues"><p>The edited policy is not valid; nothing was saved. What you typed is kept below.</p><ul class="policy-issues">${issues.map((i) => html`<li>${i.path}: ${i.message}</li>`)}</ul></div>`
      : summary(v.errors)}
${v.preview ? previewSection(v.preview) : null}
<form method="post" action="/staff/admin/policy" id="policy-form">${csrfField(v.csrf)}
${v.previewed ? html`<input type="hidden" name="previewed" value="${v.previewed}">` : null}
<div class="field${sourceError ? ' invalid' : ''}"><label for="source">Policy (YAML; see docs/screening.md). Give it a new <code>version</code> before saving.</label>
<textarea id="source" name="source" rows="30" class="policy-source" spellcheck="false"${sourceError ? raw(' aria-invalid="true" aria-describedby="source-error"') : null}>${v.source}</textarea>
${sourceError ? html`<p class="error" id="source-error">${sourceError}</p>` : null}</div>
<div class="field${invalid(v.errors, 'note')}"><label for="note">Note for the history <span class="hint">(optional: what changed and why)</span></label><input id="note" name="note" value="${v.note}" maxlength="600" size="60"${describedBy(v.errors, 'note', 'note')}>${fieldError(v.errors, 'note', 'note')}</div>
<p><button type="submit" formaction="/staff/admin/policy/preview">Preview on live ads</button> <button type="submit">Save as the new policy</button></p>
</form>
${v.history.length > 0
      ? html`<h2>Saved versions</h2><table class="staff" id="policy-history"><thead><tr><th scope="col">Version</th><th scope="col">Saved by</th><th scope="col">When</th><th scope="col">Note</th></tr></thead><tbody>${v.history.map(
          (h) => html`<tr><td>${h.version}</td><td>${h.by ?? '—'}</td><td>${formatDate(h.at)}</td><td>${h.note ?? ''}</td></tr>`,
        )}</tbody></table>`
      : null}`,
  );
}

// --- hash banks ----------------------------------------------------------------------------------

export interface HashBanksPageInput {
  banks: BankSummary[];
  labels: readonly string[];
  csrf: string;
  flash?: string | null;
  failed?: { form: string; values: Record<string, string>; errors: FieldErrors } | null;
}

export function hashBanksPage(v: HashBanksPageInput): Html {
  const failed = (form: string) => (v.failed?.form === form ? v.failed : null);
  const imp = failed('import');
  const iv = imp?.values ?? {};
  const select = (id: string, name: string, options: readonly string[], selected: string | undefined, errors: FieldErrors | undefined) =>
    html`<select id="${id}" name="${name}"${describedBy(errors, name, id)}>${options.map((o) => html`<option value="${o}"${o === selected ? raw(' selected') : null}>${o}</option>`)}</select>`;
  return staffPage(
    'Image hash banks',
    html`<h1>Image hash banks</h1>
<p>Photos are PDQ-hashed on upload and compared with these banks. A match on a bank labelled <code>child_safety</code> always rejects and escalates. Changes are in use on this server at once and on the others within 5 seconds; run <code>corkboard rescan</code> to check live ads.</p>
${flashOf(v.flash)}
${summary(v.failed?.errors)}
${v.banks.length === 0
      ? html`<p id="no-banks">No hash banks yet.</p>`
      : html`<table class="staff" id="banks"><thead><tr><th scope="col">Bank</th><th scope="col">Label</th><th scope="col">Hashes</th><th scope="col">Updated</th><th scope="col">On a match</th><th scope="col">Delete</th></tr></thead><tbody>${v.banks.map((b, i) => {
          const del = failed(`delete-${b.name}`);
          return html`<tr data-bank="${b.name}"><th scope="row">${b.name}</th><td>${b.label}</td><td class="hashes">${b.hashes}</td><td>${formatDate(b.updatedAt)}</td>
<td><form method="post" action="/staff/admin/hash-banks/action" class="inline-form">${csrfField(v.csrf)}<input type="hidden" name="name" value="${b.name}">
<div class="field"><label for="action-${i}">Action</label>${select(`action-${i}`, 'action', ['review', 'reject'], b.action, undefined)}</div><button type="submit">Change</button></form></td>
<td><form method="post" action="/staff/admin/hash-banks/delete" class="inline-form">${csrfField(v.csrf)}<input type="hidden" name="name" value="${b.name}">
<div class="field${invalid(del?.errors, 'confirm')}"><label class="check" for="confirm-${i}"><input type="checkbox" id="confirm-${i}" name="confirm" value="yes"${describedBy(del?.errors, 'confirm', `confirm-${i}`)}> Yes, delete ${b.name} and its ${b.hashes} hashes</label>${fieldError(del?.errors, 'confirm', `confirm-${i}`)}</div>
<button type="submit" class="danger">Delete</button></form></td></tr>`;
        })}</tbody></table>`}
<h2>Import hashes</h2>
<p>The same file as <code>corkboard hashbank import</code>: one 64-digit hex PDQ hash per line, optionally followed by a quality from 0 to 100; <code>#</code> starts a comment. Importing into an existing bank adds the new hashes; the bank keeps its label and action.</p>
<form method="post" action="/staff/admin/hash-banks/import" enctype="multipart/form-data" id="import-form">${csrfField(v.csrf)}
<div class="field${invalid(imp?.errors, 'file')}"><label for="file">Hash file</label><input type="file" id="file" name="file" accept=".txt,.csv,text/plain"${describedBy(imp?.errors, 'file', 'file')}>${fieldError(imp?.errors, 'file', 'file')}</div>
<div class="field${invalid(imp?.errors, 'name')}"><label for="bank-name">Bank name</label><input id="bank-name" name="name" value="${iv.name ?? ''}" maxlength="80"${describedBy(imp?.errors, 'name', 'bank-name')}>${fieldError(imp?.errors, 'name', 'bank-name')}</div>
<div class="field${invalid(imp?.errors, 'label')}"><label for="bank-label">Label</label>${select('bank-label', 'label', v.labels, iv.label, imp?.errors)}${fieldError(imp?.errors, 'label', 'bank-label')}</div>
<div class="field${invalid(imp?.errors, 'action')}"><label for="bank-action">On a match</label>${select('bank-action', 'action', ['review', 'reject'], iv.action, imp?.errors)}${fieldError(imp?.errors, 'action', 'bank-action')}</div>
<p><button type="submit">Import</button></p>
</form>`,
  );
}
