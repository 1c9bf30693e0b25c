/** The list of ads on category, city and search pages: thumbnail, title, price, neighbourhood, date. */
import type { ListedAd, SearchPage } from '../../listings/search.repository.ts';
import { adPath } from '../../listings/ad-slug.ts';
import type { Places } from '../../places/places.ts';
import { html, type Html } from '../html.ts';
import { formatDate, formatPrice, photoUrl, queryString, timeAgo } from './format.ts';

export function adHref(ad: Pick<ListedAd, 'id' | 'title' | 'cityId' | 'categoryId'>, places: Places): string {
  return adPath(ad, places.cityById.get(ad.cityId)!.slug, places.categoryById.get(ad.categoryId)!.slug);
}

// Result pages come from the search cache as the same array for many requests: the list is rendered
// once per array, minute ("5 min ago" moves no faster), place names and city column, not per view.
const rendered = new WeakMap<ListedAd[], { places: Places; minute: number; showCity: boolean; html: Html }>();

export function adList(items: ListedAd[], places: Places, now: Date, showCity: boolean): Html {
  const minute = Math.floor(now.getTime() / 60_000);
  const kept = rendered.get(items);
  if (kept && kept.places === places && kept.minute === minute && kept.showCity === showCity) return kept.html;
  const list = renderAdList(items, places, now, showCity);
  rendered.set(items, { places, minute, showCity, html: list });
  return list;
}

function renderAdList(items: ListedAd[], places: Places, now: Date, showCity: boolean): Html {
  return html`<ol class="ads">${items.map((ad) => {
    const city = places.cityById.get(ad.cityId)!;
    const where = [ad.neighbourhood, showCity ? city.name : null].filter(Boolean).join(', ');
    return html`<li>
      ${ad.thumbKey ? html`<img src="${photoUrl(ad.thumbKey, 'thumb')}" alt="" loading="lazy" width="96" height="72">` : html`<span class="nophoto" aria-hidden="true"></span>`}
      <div><a class="title" href="${adHref(ad, places)}">${ad.title}</a>
        <div class="meta">${where}${where ? ' · ' : ''}<time datetime="${ad.bumpedAt.toISOString()}" title="${formatDate(ad.bumpedAt)}">${timeAgo(ad.bumpedAt, now)}</time>${ad.photoCount > 0 ? ` · ${ad.photoCount} photo${ad.photoCount > 1 ? 's' : ''}` : ''}</div></div>
      <div class="price">${formatPrice(ad.price, ad.currency)}</div>
    </li>`;
  })}</ol>`;
}

export function resultSummary(page: SearchPage): string {
  if (page.count === 0) return 'No ads found';
  if (page.countCapped) return `More than ${page.count.toLocaleString('en')} ads`;
  return `${page.count.toLocaleString('en')} ad${page.count === 1 ? '' : 's'}`;
}

export function pager(basePath: string, params: Record<string, string>, next: string | null): Html {
  const first = params.cursor ? html`<a href="${basePath}${queryString(params, { cursor: null })}">« Newest</a>` : html`<span></span>`;
  const more = next ? html`<a rel="next" href="${basePath}${queryString(params, { cursor: next })}">More ads »</a>` : null;
  return html`<nav class="pager" aria-label="Pages">${first}${more}</nav>`;
}
