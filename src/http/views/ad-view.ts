/** The public page of one ad. */
import { getCategory } from '../../catalog/categories.ts';
import type { AdRow, PhotoRow } from '../../listings/ad.repository.ts';
import type { Category, City, Country, Region, Places } from '../../places/places.ts';
import { html, type Html } from '../html.ts';
import { favouriteButton, type FavouriteButtonState } from './favourites-view.ts';
import { formatDate, formatPrice, photoUrl, timeAgo } from './format.ts';
import { page } from './layout.ts';

export interface AdPageInput {
  ad: AdRow;
  photos: PhotoRow[];
  city: City;
  region?: Region;
  country?: Country;
  category: Category;
  places: Places;
  canonical: string;
  now: Date;
  jsonLd?: Html;
  /** The relay's reply form (src/http/views/reply-views.ts), for ads that take replies through it. */
  replyForm?: Html;
  /** The favourite button's state; no button without it. */
  favourite?: FavouriteButtonState;
  /**
   * For ads whose poster also gives a phone number: the token of the "Show phone number" form, and
   * the number only in the answer to that form (never in the page as served to every reader).
   */
  phone?: { csrfToken: string; revealed?: string };
}

/** "Relay, and show a phone number": a button that asks for the number (POST, rate-limited), or the number once asked for. */
function phoneContact(adId: number, phone: AdPageInput['phone']): Html | null {
  if (!phone) return null;
  if (phone.revealed) {
    return html`<p id="phone-number" class="phone-number">Phone: <a href="tel:${phone.revealed}">${phone.revealed}</a></p>`;
  }
  return html`<form method="post" action="/ads/${adId}/phone#phone-number" class="show-phone" id="show-phone">
<input type="hidden" name="_csrf" value="${phone.csrfToken}">
<p>The poster also gives a phone number. <button type="submit">Show phone number</button></p>
</form>`;
}

export function fieldRows(ad: AdRow, categorySlug: string): { label: string; value: string }[] {
  const def = getCategory(categorySlug);
  if (!def) return [];
  return def.fields.flatMap((f) => {
    const v = ad.fields[f.key];
    if (v === undefined || v === null || v === '') return [];
    if (f.type === 'boolean') return v === true ? [{ label: f.label, value: 'Yes' }] : [];
    const option = f.options?.find((o) => o.value === String(v));
    const value = option ? option.label : typeof v === 'number' ? v.toLocaleString('en') : String(v);
    return [{ label: f.label, value: f.unit ? `${value} ${f.unit}` : value }];
  });
}

export function adPage(input: AdPageInput): Html {
  const { ad, photos, city, region, country, category, places } = input;
  const parent = places.parentOf(category);
  const rows = fieldRows(ad, category.slug);
  const where = [ad.neighbourhood, city.name, region?.name, country?.name].filter(Boolean).join(', ');
  return page(
    { title: `${ad.title} - ${city.name}`, description: ad.body.slice(0, 160), canonical: input.canonical, head: input.jsonLd },
    html`<article class="ad-page" data-ad-id="${ad.id}">
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/${city.slug}">${city.name}</a> › ${
      parent ? html`<a href="/${city.slug}/${parent.slug}">${parent.name}</a> › ` : null
    }<a href="/${city.slug}/${category.slug}">${category.name}</a></div>
<h1>${ad.title}</h1>
${input.favourite ? favouriteButton(ad.id, input.favourite) : null}
<p>${ad.price !== null ? html`<span class="price">${formatPrice(ad.price, ad.currency)}</span> · ` : null}${where}</p>
<p class="hint">Posted <time datetime="${ad.bumpedAt.toISOString()}">${timeAgo(ad.bumpedAt, input.now)}</time> (${formatDate(ad.bumpedAt)}) · Ad ${ad.id}</p>
${photos.length > 0
  ? html`<div class="photos">${photos.map(
      (p, i) => html`<a href="${photoUrl(p.storageKey, 'large')}"><img src="${photoUrl(p.storageKey, 'medium')}" alt="Photo ${i + 1} of ${photos.length}" loading="${i < 2 ? 'eager' : 'lazy'}"></a>`,
    )}</div>`
  : null}
${rows.length > 0 ? html`<dl>${rows.map((r) => html`<dt>${r.label}</dt><dd>${r.value}</dd>`)}</dl>` : null}
<h2>Description</h2>
<div class="body">${ad.body}</div>
<h2>Contact</h2>
<p>${ad.contactMode === 'phone' ? 'Reply' : "The poster accepts replies only"} through Corkboard's anonymous relay, so neither side sees the other's address.</p>
${ad.contactMode === 'phone' ? phoneContact(ad.id, input.phone) : null}
${input.replyForm ?? null}
<p class="hint">Never send money ahead to someone you have not met, and meet in a public place.</p>
<form class="report-ad" method="get" action="/report"><input type="hidden" name="ad" value="${ad.id}"><button type="submit">Report this ad</button></form>
</article>`,
  );
}

export function expiredAdPage(ad: AdRow, city: City, category: Category): Html {
  return page(
    { title: 'This ad has expired', noindex: true },
    html`<h1>This ad is no longer available</h1>
<p class="notice">“${ad.title}” has expired or was taken down by the poster.</p>
<p><a href="/${city.slug}/${category.slug}">See current ${category.name.toLowerCase()} ads in ${city.name}</a></p>`,
  );
}
