/**
 * Search results and category listings share one page: filters on the side (a plain GET form, so
 * every result page is a shareable URL and a feed), results with keyset pagination.
 */
import { getCategory } from '../../catalog/categories.ts';
import type { ParsedSearch } from '../../listings/search-params.ts';
import type { SearchPage } from '../../listings/search.repository.ts';
import type { Places } from '../../places/places.ts';
import { html, type Html } from '../html.ts';
import { adList, pager, resultSummary } from './ad-list.ts';
import { queryString } from './format.ts';
import { page } from './layout.ts';

export interface ResultsPageInput {
  places: Places;
  search: ParsedSearch;
  results: SearchPage;
  now: Date;
  /** The page's own path: /search, or /<city>/<category> for a listing. */
  basePath: string;
  heading: string;
  breadcrumbs: Html;
  canonical?: string;
  /** Parameters fixed by the path (city and category on a listing page), kept out of the form. */
  fixed: Record<string, string>;
}

export function resultsPage(input: ResultsPageInput): Html {
  const { places, search, results, now } = input;
  const feedParams = { ...search.params, ...input.fixed };
  delete feedParams.cursor;
  const showCity = !search.scope.city;
  return page(
    { title: input.heading, canonical: input.canonical, feed: `/feed.atom${queryString(feedParams)}`, noindex: input.basePath === '/search' },
    html`<div class="breadcrumbs">${input.breadcrumbs}</div>
<h1>${input.heading}</h1>
${errorsNotice(search.errors)}
<div class="layout">
  ${filtersForm(input)}
  <section aria-labelledby="results-heading">
    <h2 id="results-heading" class="result-count">${resultSummary(results)}</h2>
    ${results.items.length > 0 ? adList(results.items, places, now, showCity) : emptySuggestions(input)}
    ${pager(input.basePath, search.params, results.next)}
    <p class="hint"><a href="/feed.atom${queryString(feedParams)}">Atom feed of this search</a></p>
    ${saveSearchForm(feedParams)}
  </section>
</div>`,
  );
}

/** A GET form to the save-search page, which holds the e-mail field and its CSRF-protected POST. */
function saveSearchForm(params: Record<string, string>): Html {
  return html`<form method="get" action="/alerts/new" class="save-search">${Object.entries(params).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit">Save this search / get alerts</button></form>`;
}

function errorsNotice(errors: Record<string, string>): Html | null {
  const list = Object.values(errors);
  if (list.length === 0) return null;
  return html`<div class="notice warn" role="alert"><p>Some filters were not applied:</p><ul>${list.map((e) => html`<li>${e}</li>`)}</ul></div>`;
}

function emptySuggestions(input: ResultsPageInput): Html {
  const { search, places } = input;
  const p = { ...search.params, ...input.fixed };
  delete p.cursor;
  const links: Html[] = [];
  const city = search.scope.city;
  if (city) {
    const region = places.regionById.get(city.regionId);
    const country = places.countryByCode.get(city.countryCode);
    if (region && country) links.push(html`<li><a href="/search${queryString(p, { city: null, region: `${country.slug}/${region.slug}` })}">Search all of ${region.name}</a></li>`);
    if (country) links.push(html`<li><a href="/search${queryString(p, { city: null, country: country.slug })}">Search all of ${country.name}</a></li>`);
  }
  if (city || search.scope.region || search.scope.country) {
    links.push(html`<li><a href="/search${queryString(p, { city: null, region: null, country: null })}">Search everywhere</a></li>`);
  }
  if (p.min_price || p.max_price) links.push(html`<li><a href="${input.basePath}${queryString(search.params, { min_price: null, max_price: null, cursor: null })}">Remove the price limits</a></li>`);
  if (p.category) links.push(html`<li><a href="/search${queryString(p, { category: null })}">Search all categories</a></li>`);
  if (p.within_days) links.push(html`<li><a href="${input.basePath}${queryString(search.params, { within_days: null, cursor: null })}">Include older ads</a></li>`);
  return html`<div class="notice" id="no-results"><p>Nothing matches yet. Try fewer words, or widen the search:</p><ul>${links}</ul></div>`;
}

function filtersForm(input: ResultsPageInput): Html {
  const { search, places } = input;
  const v = search.params;
  const category = search.scope.category;
  const fields = category ? (getCategory(category.slug)?.fields ?? []).filter((f) => f.filter) : [];
  const fixedInputs = Object.entries(input.fixed).map(([k, val]) => html`<input type="hidden" name="${k}" value="${val}">`);
  const scopeInputs = input.basePath === '/search' ? (['city', 'region', 'country'] as const).filter((k) => v[k]).map((k) => html`<input type="hidden" name="${k}" value="${v[k]}">`) : [];
  return html`<aside class="filters"><form method="get" action="${input.basePath}" id="filters">
  ${fixedInputs}${scopeInputs}
  <label for="f-q">Search words</label>
  <input id="f-q" type="search" name="q" value="${v.q ?? ''}" placeholder='e.g. bike -kids "road bike"'>
  ${input.fixed.category ? null : html`<label for="f-category">Category</label>
  <select id="f-category" name="category"><option value="">All categories</option>${places.topCategories().map(
    (top) => html`<optgroup label="${top.name}"><option value="${top.slug}" ${v.category === top.slug ? 'selected' : ''}>All ${top.name.toLowerCase()}</option>${places
      .childCategories(top.id)
      .map((c) => html`<option value="${c.slug}" ${v.category === c.slug ? 'selected' : ''}>${c.name}</option>`)}</optgroup>`,
  )}</select>`}
  <label for="f-min-price">Price</label>
  <div class="range"><input id="f-min-price" name="min_price" inputmode="numeric" placeholder="min" value="${v.min_price ?? ''}" aria-label="Minimum price">
  <input id="f-max-price" name="max_price" inputmode="numeric" placeholder="max" value="${v.max_price ?? ''}" aria-label="Maximum price"></div>
  <label class="check" for="f-has-photos"><input id="f-has-photos" type="checkbox" name="has_photos" ${v.has_photos ? 'checked' : ''}> Has photos</label>
  <label for="f-within">Posted within</label>
  <select id="f-within" name="within_days">${[['', 'Any time'], ['1', '24 hours'], ['3', '3 days'], ['7', '7 days'], ['30', '30 days']].map(
    ([val, label]) => html`<option value="${val}" ${(v.within_days ?? '') === val ? 'selected' : ''}>${label}</option>`,
  )}</select>
  ${fields.map((f) => {
    if (f.filter === 'range') {
      return html`<label for="f-${f.key}-min">${f.label}${f.unit ? ` (${f.unit})` : ''}</label><div class="range">
        <input id="f-${f.key}-min" name="f_${f.key}_min" inputmode="numeric" placeholder="min" value="${v[`f_${f.key}_min`] ?? ''}" aria-label="${f.label} minimum">
        <input id="f-${f.key}-max" name="f_${f.key}_max" inputmode="numeric" placeholder="max" value="${v[`f_${f.key}_max`] ?? ''}" aria-label="${f.label} maximum"></div>`;
    }
    if (f.filter === 'bool') {
      return html`<label class="check" for="f-${f.key}"><input id="f-${f.key}" type="checkbox" name="f_${f.key}" value="true" ${v[`f_${f.key}`] ? 'checked' : ''}> ${f.label}</label>`;
    }
    return html`<label for="f-${f.key}">${f.label}</label><select id="f-${f.key}" name="f_${f.key}"><option value="">Any</option>${(f.options ?? []).map(
      (o) => html`<option value="${o.value}" ${v[`f_${f.key}`] === o.value ? 'selected' : ''}>${o.label}</option>`,
    )}</select>`;
  })}
  <label for="f-sort">Sort by</label>
  <select id="f-sort" name="sort">${[['', v.q ? 'Best match' : 'Newest'], ['newest', 'Newest'], ['price_asc', 'Price: low to high'], ['price_desc', 'Price: high to low'], ['relevance', 'Best match']].map(
    ([val, label]) => html`<option value="${val}" ${(v.sort ?? '') === val ? 'selected' : ''}>${label}</option>`,
  )}</select>
  <p><button type="submit">Apply</button></p>
</form></aside>`;
}
