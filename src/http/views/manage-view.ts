/** The poster's private page for one ad: its state and reasons, edit, renew and delete. */
import type { AdRow } from '../../listings/ad.repository.ts';
import { html, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { page } from './layout.ts';
import { outcomeNotice } from './posting-views.ts';

export interface ManagePageInput {
  ad: AdRow;
  basePath: string;
  publicPath: string;
  csrfToken: string;
  form: Html;
  flash?: string;
  error?: string;
  /** Moderation decisions about the ad, each with its appeal link or state (appeal-views.ts). */
  decisions?: Html | null;
}

/** What a poster reads for each ad state, on the manage page and in My ads. */
export const STATE_LABELS: Record<string, string> = {
  unconfirmed: 'Not confirmed',
  pending: 'Being checked',
  published: 'Live',
  held: 'Waiting for review',
  rejected: 'Not published',
  expired: 'Expired',
  removed: 'Removed by moderators',
};

/** Turns an ad row back into form values, so the edit form starts from what is stored. */
export function formValuesOf(ad: AdRow, citySlug: string, categorySlug: string): Record<string, string> {
  const values: Record<string, string> = {
    title: ad.title,
    body: ad.body,
    price: ad.price === null ? '' : String(ad.price),
    city: citySlug,
    category: categorySlug,
    neighbourhood: ad.neighbourhood ?? '',
    contact_mode: ad.contactMode,
    phone: ad.phone ?? '',
  };
  for (const [k, v] of Object.entries(ad.fields)) values[`f_${k}`] = String(v);
  return values;
}

export function managePage(input: ManagePageInput): Html {
  const { ad, basePath, csrfToken } = input;
  return page(
    { title: `Manage: ${ad.title}`, noindex: true },
    html`<h1>${ad.title}</h1>
<p>Status: <span class="state state-${ad.state}" id="ad-state">${STATE_LABELS[ad.state] ?? ad.state}</span>
${ad.state === 'published' ? html` · expires ${formatDate(ad.expiresAt)}` : null}</p>
${input.flash ? html`<p class="notice ok" id="flash" role="status">${input.flash}</p>` : null}
${input.error ? html`<p class="notice warn" id="manage-error" role="alert">${input.error}</p>` : null}
${outcomeNotice(ad, input.publicPath)}
${input.decisions ? html`<section id="decisions"><h2>Decisions about this ad</h2>${input.decisions}<p class="hint">You can appeal each decision free of charge for six months; a moderator who did not take it will review it.</p></section>` : null}
<div class="actions">
${ad.state === 'published' || ad.state === 'expired'
  ? html`<form method="post" action="${basePath}/renew"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit" class="secondary">Renew: move to the top for another period</button></form>`
  : null}
</div>
<h2>Edit</h2>
${input.form}
<h2>Delete</h2>
<form method="post" action="${basePath}/delete" id="delete-form">
<input type="hidden" name="_csrf" value="${csrfToken}">
<label class="check" for="confirm-delete"><input type="checkbox" id="confirm-delete" name="confirm" value="yes" required> Yes, delete this ad</label>
<p><button type="submit" class="danger">Delete the ad</button></p>
</form>`,
  );
}

export function deletedPage(): Html {
  return page(
    { title: 'Ad deleted', noindex: true },
    html`<h1>Your ad is deleted</h1><p class="notice ok" id="deleted">It no longer appears anywhere on Corkboard.</p><p><a href="/post">Post another ad</a></p>`,
  );
}
