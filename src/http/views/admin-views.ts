/**
 * Admin pages (staff with the admin role): the category tree, the screening policy with its preview,
 * and the image hash banks. Plain forms with CSRF; every refused input comes back with its message
 * next to the field and the typed value kept.
 */
import { html, raw, type Html } from '../html.ts';
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

export function adminHomePage(): Html {
  return staffPage(
    'Admin',
    html`<h1>Admin</h1>
<ul>
<li><a href="/staff/admin/categories">Categories</a>: rename, expiry days, subcategories, order, archive</li>
<li><a href="/staff/admin/policy">Screening policy</a>: edit the rules, preview their effect on live ads, save a new version</li>
<li><a href="/staff/admin/hash-banks">Image hash banks</a>: import, change the action, delete</li>
<li><a href="/staff/admin/staff">Staff</a>: add members, change roles, reset two-factor sign-in, remove</li>
</ul>`,
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
