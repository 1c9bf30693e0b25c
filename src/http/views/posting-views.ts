/** Pages around posting: the form, "check your mail", confirmation, and the outcome of screening. */
import type { AdRow } from '../../listings/ad.repository.ts';
import { html, type Html } from '../html.ts';
import { page } from './layout.ts';

export function postPage(form: Html): Html {
  return page(
    { title: 'Post an ad', noindex: true },
    html`<h1>Post an ad</h1>
<p>Posting is free and needs no account. Ads for sexual services, weapons without checks, drugs, counterfeits and other prohibited items are removed: <a href="/about/safety">our rules</a>.</p>
${form}`,
  );
}

export function checkMailPage(): Html {
  return page(
    { title: 'Check your e-mail', noindex: true },
    html`<h1>Almost done: check your e-mail</h1>
<p class="notice ok" id="post-sent">We sent you a link to confirm your ad. The ad goes live after you open it and it passes our automatic checks.</p>
<p>The same mail holds your private link to edit, renew or delete the ad. Keep it.</p>`,
  );
}

export function confirmPage(ad: AdRow, action: string, csrfToken: string): Html {
  return page(
    { title: 'Confirm your ad', noindex: true },
    html`<h1>Confirm your ad</h1>
<p>“${ad.title}”</p>
<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">Publish my ad</button></form>`,
  );
}

export function outcomeNotice(ad: AdRow, publicPath: string): Html {
  const statement = (ad.screening as { statement?: string } | null)?.statement ?? ad.stateReason ?? '';
  switch (ad.state) {
    case 'published':
      return html`<div class="notice ok" id="outcome" data-state="published">Your ad is live: <a href="${publicPath}">view it</a>.</div>`;
    case 'held':
      return html`<div class="notice" id="outcome" data-state="held"><strong>Your ad is waiting for review.</strong> ${statement}</div>`;
    case 'rejected':
      return html`<div class="notice warn" id="outcome" data-state="rejected"><strong>Your ad was not published.</strong> ${statement}</div>`;
    case 'unconfirmed':
      return html`<div class="notice" id="outcome" data-state="unconfirmed">Your ad is not confirmed yet: open the link in the mail we sent you.</div>`;
    case 'expired':
      return html`<div class="notice" id="outcome" data-state="expired">Your ad has expired. Renew it to list it again.</div>`;
    default:
      return html`<div class="notice" id="outcome" data-state="${ad.state}">Your ad is ${ad.state}. ${ad.stateReason ?? ''}</div>`;
  }
}

export function confirmedPage(ad: AdRow, publicPath: string, managePath: string): Html {
  return page(
    { title: 'Your ad', noindex: true },
    html`<h1>${ad.state === 'published' ? 'Your ad is live' : 'Thanks for confirming'}</h1>
${outcomeNotice(ad, publicPath)}
<p><a href="${managePath}">Edit, renew or delete your ad</a></p>`,
  );
}
