/** The page shell shared by every HTML page: readable on a phone, usable without JavaScript. */
import { html, raw, type Html } from '../html.ts';

/** Replaced by "My account" for signed-in visitors (src/http/account-session.ts). */
export const SIGN_IN_LINK = '<a class="account-link" href="/signin">Sign in</a>';

export interface PageOptions {
  title: string;
  description?: string;
  canonical?: string;
  feed?: string;
  head?: Html;
  noindex?: boolean;
}

export function page(opts: PageOptions, content: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · Corkboard</title>
${opts.description ? html`<meta name="description" content="${opts.description}">` : null}
${opts.canonical ? html`<link rel="canonical" href="${opts.canonical}">` : null}
${opts.feed ? html`<link rel="alternate" type="application/atom+xml" title="${opts.title}" href="${opts.feed}">` : null}
${opts.noindex ? html`<meta name="robots" content="noindex">` : null}
<link rel="stylesheet" href="/assets/site.css">
${opts.head ?? null}
</head>
<body>
<header class="site">
  <a class="brand" href="/">Corkboard</a>
  <form action="/search" method="get" role="search" class="header-search">
    <label for="header-q" class="visually-hidden">Search all ads</label>
    <input id="header-q" type="search" name="q" placeholder="Search all ads">
  </form>
  <nav>${raw(SIGN_IN_LINK)} <a href="/favourites">Favourites</a> <a class="post-link" href="/post">Post an ad</a></nav>
</header>
<main>
${content}
</main>
<footer class="site">
  Corkboard: free local classifieds. Replies go through an anonymous relay; photos are stripped of location data.
  <a href="/about/safety">Safety and prohibited content</a> · <a href="/api/openapi.json">API</a>
</footer>
</body>
</html>`;
}
