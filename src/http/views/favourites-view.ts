/** The favourites page and the favourite button on an ad page. */
import type { FavouriteEntry } from '../../favourites/favourites.service.ts';
import type { Places } from '../../places/places.ts';
import { html, type Html } from '../html.ts';
import { adList } from './ad-list.ts';
import { page } from './layout.ts';

export interface FavouriteButtonState {
  csrfToken: string;
  saved: boolean;
  returnTo: string;
}

/** A plain POST form: works without JavaScript. */
export function favouriteButton(adId: number, state: FavouriteButtonState): Html {
  return html`<form method="post" action="/favourites/${state.saved ? 'remove' : 'add'}" class="favourite">
  <input type="hidden" name="_csrf" value="${state.csrfToken}">
  <input type="hidden" name="ad_id" value="${adId}">
  <input type="hidden" name="return" value="${state.returnTo}">
  <button type="submit" aria-pressed="${state.saved ? 'true' : 'false'}">${state.saved ? '★ Saved: remove from favourites' : '☆ Save to favourites'}</button>
</form>`;
}

function removeForm(adId: number, csrfToken: string): Html {
  return html`<form method="post" action="/favourites/remove" class="inline">
    <input type="hidden" name="_csrf" value="${csrfToken}"><input type="hidden" name="ad_id" value="${adId}"><input type="hidden" name="return" value="/favourites">
    <button type="submit">Remove</button></form>`;
}

export function favouritesPage(entries: FavouriteEntry[], places: Places, now: Date, csrfToken: string, signedIn: boolean): Html {
  return page(
    { title: 'Your favourites', noindex: true },
    html`<h1>Your favourites</h1>
${signedIn ? null : html`<p class="hint">Favourites are kept in this browser. Sign in to keep them in your account.</p>`}
${entries.length === 0 ? html`<p id="no-favourites">No favourites yet. Use “Save to favourites” on any ad.</p>` : null}
<ul class="favourites">${entries.map((e) => {
  if (e.status === 'live') return html`<li data-favourite="${e.adId}" data-status="live">${adList([e.ad], places, now, true)}${removeForm(e.adId, csrfToken)}</li>`;
  return html`<li data-favourite="${e.adId}" data-status="${e.status}"><p class="notice">${e.status === 'expired' ? html`“${e.title}” is no longer available (it expired).` : 'An ad you saved is no longer available.'}</p>${removeForm(e.adId, csrfToken)}</li>`;
})}</ul>`,
  );
}
