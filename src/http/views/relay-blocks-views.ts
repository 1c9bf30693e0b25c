/**
 * The relay blocks admin page: every address barred from the relay with who blocked it, when and
 * why, and a lift form per block (a required reason, kept in the audit log). Plain forms, no JavaScript.
 */
import type { RelayBlockListing } from '../../moderation/relay-block-admin.ts';
import { LIFT_REASON_MIN } from '../../moderation/relay-block-admin.ts';
import { html, raw, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { csrfField, staffPage } from './staff-views.ts';

export interface RelayBlocksPageInput {
  blocks: RelayBlockListing[];
  csrf: string;
  flash?: string | null;
  failed?: { id: number; values: Record<string, string>; errors: Record<string, string> } | null;
}

export function relayBlocksPage(v: RelayBlocksPageInput): Html {
  return staffPage(
    'Relay blocks',
    html`<h1>Relay blocks</h1>
<p>Addresses a moderator blocked from the reply relay after a reported message: the relay drops whatever they send, to anyone. Posting ads is not affected. Lifting a block lets the address write through the relay again at once; the replier is not told (an appeal, if they made one, is decided separately in the review queue).</p>
${v.flash ? html`<p class="notice ok" role="status" id="flash">${v.flash}</p>` : null}
${v.failed ? html`<div class="notice warn" role="alert" id="form-errors">Nothing was changed. ${v.failed.errors.reason ?? v.failed.errors.form ?? ''}</div>` : null}
${v.blocks.length === 0
      ? html`<p id="no-blocks">No address is blocked from the relay.</p>`
      : html`<table class="staff" id="relay-blocks"><thead><tr><th scope="col">Address</th><th scope="col">Blocked</th><th scope="col">By</th><th scope="col">Why</th><th scope="col">Lift</th></tr></thead><tbody>${v.blocks.map((b) => {
          const failed = v.failed?.id === b.id ? v.failed : null;
          const id = `lift-reason-${b.id}`;
          const err = failed?.errors.reason;
          return html`<tr data-block="${b.id}"><th scope="row">${b.email}</th><td>${formatDate(b.createdAt)}</td><td class="blocked-by">${b.blockedBy ?? 'unknown'}</td>
<td>${b.policyReason ? html`<strong>${b.policyReason}</strong>` : null}${b.note ? html`: ${b.note}` : null}<br><small>${b.reason}${b.statement ? html` · statement <code>${b.statement}</code>` : null}</small></td>
<td><form method="post" action="/staff/admin/relay-blocks/${b.id}/lift" class="inline-form">${csrfField(v.csrf)}
<div class="field${err ? ' invalid' : ''}"><label for="${id}">Why lift it?</label><input id="${id}" name="reason" maxlength="1000" value="${failed?.values.reason ?? ''}"${err ? raw(` aria-invalid="true" aria-describedby="${id}-error"`) : null}>${err ? html`<p class="error" id="${id}-error">${err}</p>` : null}<p class="hint">At least ${LIFT_REASON_MIN} characters, kept in the audit log.</p></div>
<button type="submit" class="danger">Lift the block</button></form></td></tr>`;
        })}</tbody></table>`}`,
  );
}
