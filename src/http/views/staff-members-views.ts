/**
 * /staff/admin/staff: the staff list with role, two-factor state and latest sign-in; forms to add a
 * member by e-mail, change a role, reset two-factor sign-in, remove from staff. Plain forms with CSRF;
 * a refused form comes back with its message next to the field and what was typed kept.
 */
import type { StaffMember } from '../../accounts/staff.service.ts';
import { ROLE_NAMES, STAFF_ROLES } from '../../accounts/staff-roles.ts';
import { html, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { csrfField, staffPage } from './staff-views.ts';

type Errors = Record<string, string>;

export interface StaffMembersPageInput {
  members: StaffMember[];
  me: number;
  csrf: string;
  flash?: string | null;
  /** The refused form: `add` or `role-<id>`, with its values and errors. */
  failed?: { form: string; values: Record<string, string>; errors: Errors } | null;
}

function roleSelect(id: string, selected: string | undefined, error: string | undefined): Html {
  return html`<select id="${id}" name="role"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : null}>${STAFF_ROLES.map(
    (r) => html`<option value="${r}"${r === selected ? html` selected` : null}>${ROLE_NAMES[r]}</option>`,
  )}</select>${error ? html`<p class="error" id="${id}-error">${error}</p>` : null}`;
}

export function staffMembersPage(v: StaffMembersPageInput): Html {
  const failed = (form: string) => (v.failed?.form === form ? v.failed : null);
  const add = failed('add');
  const addValues = add?.values ?? { email: '', role: 'moderator' };
  const general = v.failed?.errors.form;
  const row = (m: StaffMember) => {
    const f = failed(`role-${m.id}`);
    const roleId = `role-${m.id}`;
    return html`<tr data-member="${m.email}">
<th scope="row">${m.email}${m.id === v.me ? html` <small>(you)</small>` : null}</th>
<td><form method="post" action="/staff/admin/staff/${m.id}/role" class="inline-form">${csrfField(v.csrf)}<label for="${roleId}" class="visually-hidden">Role of ${m.email}</label>${roleSelect(roleId, f?.values.role ?? m.role, f?.errors.role)} <button type="submit" class="secondary">Change role</button></form></td>
<td class="two-factor">${m.twoFactorSince ? html`on since ${formatDate(m.twoFactorSince)}` : 'not set up yet'}
<form method="post" action="/staff/admin/staff/${m.id}/reset-2fa" class="inline-form">${csrfField(v.csrf)}<button type="submit" class="secondary" aria-label="Reset two-factor sign-in of ${m.email}">Reset two-factor</button></form></td>
<td>${m.lastSignInAt ? formatDate(m.lastSignInAt) : '—'}</td>
<td><form method="post" action="/staff/admin/staff/${m.id}/remove" class="inline-form">${csrfField(v.csrf)}<button type="submit" class="secondary" aria-label="Remove ${m.email} from staff">Remove from staff</button></form></td>
</tr>`;
  };
  return staffPage(
    'Staff',
    html`<h1>Staff</h1>
<p>Moderators and senior moderators work the review queue; admins also change categories, the screening policy, hash banks and this list. Every staff member signs in with a password or mailed link and then a code from an authenticator app. "Reset two-factor" is for a lost phone: they set it up again at their next visit, and are signed out of the staff pages everywhere until then. Every change here is in the audit log.</p>
${v.flash ? html`<p class="notice ok" role="status" id="flash">${v.flash}</p>` : null}
${v.failed ? html`<div class="notice warn" role="alert" id="form-errors">Nothing was changed.${general ? html` ${general}` : html` Please correct the field marked below; what you typed is kept.`}</div>` : null}
<table class="staff staff-members">
<thead><tr><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">Two-factor sign-in</th><th scope="col">Last sign-in</th><th scope="col"></th></tr></thead>
<tbody>${v.members.map(row)}</tbody>
</table>
<h2>Add a staff member</h2>
<p>An address without an account gets one, with a mailed link to choose a password (72 hours). An existing account is told of its new role by mail.</p>
<form method="post" action="/staff/admin/staff" class="post" novalidate id="add-staff">${csrfField(v.csrf)}
<div class="field${add?.errors.email ? ' invalid' : ''}"><label for="add-email">E-mail</label><input type="email" id="add-email" name="email" value="${addValues.email ?? ''}" autocomplete="off"${add?.errors.email ? html` aria-invalid="true" aria-describedby="add-email-error"` : null}>${add?.errors.email ? html`<p class="error" id="add-email-error">${add.errors.email}</p>` : null}</div>
<div class="field${add?.errors.role ? ' invalid' : ''}"><label for="add-role">Role</label>${roleSelect('add-role', addValues.role, add?.errors.role)}</div>
<p><button type="submit">Add to staff</button></p>
</form>`,
  );
}
