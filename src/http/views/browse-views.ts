/** The home page, a country's places, and a city's category tree. */
import type { Category, City, Country, Places, Region } from '../../places/places.ts';
import { html, type Html } from '../html.ts';
import { page } from './layout.ts';

const POPULAR_CITIES = 36;

export function homePage(places: Places): Html {
  const popular = [...places.cities].sort((a, b) => b.population - a.population).slice(0, POPULAR_CITIES);
  const cityCount = new Map<string, number>();
  for (const c of places.cities) cityCount.set(c.countryCode, (cityCount.get(c.countryCode) ?? 0) + 1);
  return page(
    { title: 'Local classifieds', description: 'Free local classified ads: for sale, housing, jobs, services, community, vehicles, pets and gigs.', canonical: '/' },
    html`<h1>Local classifieds, safely</h1>
<form class="search" action="/search" method="get">
  <label for="home-q" class="visually-hidden">Search everywhere</label>
  <input id="home-q" type="search" name="q" placeholder="What are you looking for?">
  <button type="submit">Search</button>
</form>
<h2>Popular cities</h2>
<ul class="plain columns" id="popular-cities">${popular.map((c) => html`<li><a href="/${c.slug}">${c.name}</a> <span class="count">${places.countryByCode.get(c.countryCode)?.name}</span></li>`)}</ul>
<h2>All countries</h2>
<ul class="plain columns" id="countries">${places.countries.map(
      (co) => html`<li><a href="/places/${co.slug}">${co.name}</a> <span class="count">${cityCount.get(co.code) ?? 0} cities</span></li>`,
    )}</ul>`,
  );
}

export function countryPage(places: Places, country: Country): Html {
  const regions = places.regionsOf(country.code);
  return page(
    { title: `Classifieds in ${country.name}`, canonical: `/places/${country.slug}` },
    html`<div class="breadcrumbs"><a href="/">Home</a> › ${country.name}</div>
<h1>${country.name}</h1>
<form class="search" action="/search" method="get">
  <input type="hidden" name="country" value="${country.slug}">
  <label for="country-q" class="visually-hidden">Search ${country.name}</label>
  <input id="country-q" type="search" name="q" placeholder="Search all of ${country.name}">
  <button type="submit">Search</button>
</form>
<div class="columns">${regions.map(
      (r) => html`<section><h2><a href="/search?region=${country.slug}/${r.slug}">${r.name}</a></h2>
<ul>${places.citiesOfRegion(r.id).map((c) => html`<li><a href="/${c.slug}">${c.name}</a></li>`)}</ul></section>`,
    )}</div>`,
  );
}

export function cityPage(places: Places, city: City, region: Region | undefined, country: Country | undefined, counts: Map<number, number>): Html {
  const total = (cat: Category) => places.categoryIdsUnder(cat).reduce((sum, id) => sum + (counts.get(id) ?? 0), 0);
  return page(
    { title: `${city.name} classifieds`, description: `Local classified ads in ${city.name}: for sale, housing, jobs, services and more.`, canonical: `/${city.slug}`, feed: `/feed.atom?city=${city.slug}` },
    html`<div class="breadcrumbs"><a href="/">Home</a> › ${country ? html`<a href="/places/${country.slug}">${country.name}</a> › ` : null}${
      region && country ? html`<a href="/search?region=${country.slug}/${region.slug}">${region.name}</a> › ` : null
    }${city.name}</div>
<h1>${city.name}</h1>
<form class="search" action="/search" method="get">
  <input type="hidden" name="city" value="${city.slug}">
  <label for="city-q" class="visually-hidden">Search ${city.name}</label>
  <input id="city-q" type="search" name="q" placeholder="Search ${city.name}">
  <label for="city-category" class="visually-hidden">Category</label>
  <select id="city-category" name="category"><option value="">All categories</option>${places
    .topCategories()
    .map((c) => html`<option value="${c.slug}">${c.name}</option>`)}</select>
  <button type="submit">Search</button>
</form>
<p><a class="button" href="/post?city=${city.slug}">Post an ad in ${city.name}</a></p>
<div class="columns" id="categories">${places.topCategories().map(
      (top) => html`<section><h2><a href="/${city.slug}/${top.slug}">${top.name}</a> <span class="count">${total(top)}</span></h2>
<ul>${places.childCategories(top.id).map(
        (c) => html`<li><a href="/${city.slug}/${c.slug}">${c.name}</a> <span class="count" data-category="${c.slug}">${counts.get(c.id) ?? 0}</span></li>`,
      )}</ul></section>`,
    )}</div>`,
  );
}
