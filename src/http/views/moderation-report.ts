/**
 * Reporting an ad: the quick flag form (one click from the ad page) and the full DSA Art. 16 notice
 * form. Plain HTML forms with a CSRF field and a real label on every control; after an error the
 * form comes back with what was typed.
 */
import { FLAG_REASONS, FLAG_REASON_TEXT, NOTICE_CATEGORIES, NOTICE_CATEGORY_TEXT } from '../../moderation/policy.ts';
import { html, type Html } from '../html.ts';
import { page } from './layout.ts';

type Errors = Record<string, string>;
type Values = Record<string, string>;

const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;
const errorText = (errors: Errors, name: string) => (errors[name] ? html`<p class="error" id="${name}-error">${errors[name]}</p>` : null);
const describedBy = (errors: Errors, name: string, hint = false) => [errors[name] ? `${name}-error` : null, hint ? `${name}-hint` : null].filter(Boolean).join(' ') || null;

function errorSummary(errors: Errors): Html | null {
  if (Object.keys(errors).length === 0) return null;
  return html`<div class="notice warn" role="alert" id="form-errors">${errors.form ?? 'Please correct the fields marked below.'}</div>`;
}

export function flagPage(opts: { adId: number; adTitle: string; csrf: string; values: Values; errors: Errors }): Html {
  const { errors } = opts;
  return page(
    { title: 'Report this ad', noindex: true },
    html`<h1>Report this ad</h1>
<p>“${opts.adTitle}” (ad ${opts.adId})</p>
${errorSummary(errors)}
<form class="post" method="post" action="/report" novalidate>
${csrfField(opts.csrf)}
<input type="hidden" name="ad" value="${opts.adId}">
<fieldset class="field${errors.reason ? ' invalid' : ''}" aria-describedby="${describedBy(errors, 'reason')}">
<legend>What is wrong with it?</legend>
${FLAG_REASONS.map(
  (r) => html`<div><input type="radio" id="reason-${r}" name="reason" value="${r}"${opts.values.reason === r ? html` checked` : null}> <label for="reason-${r}">${FLAG_REASON_TEXT[r]}</label></div>`,
)}
${errorText(errors, 'reason')}
</fieldset>
<p class="hint">Reports about a minor go straight to our most urgent queue. If someone is in immediate danger, call the emergency services first.</p>
<p><button type="submit">Send the report</button></p>
</form>
<p>Want to explain, or report illegal content formally with your contact details? <a href="/report/notice?ad=${opts.adId}">Send a full notice</a>.</p>`,
  );
}

export function flagThanksPage(): Html {
  return page(
    { title: 'Thank you', noindex: true },
    html`<h1>Thank you</h1><p class="notice ok" role="status" id="flag-received">We received your report. Moderators will look at the ad; when enough reliable reports agree, it is hidden until they have.</p><p><a href="/">Back to the home page</a></p>`,
  );
}

export function noticePage(opts: { adId: number; adTitle: string; csrf: string; values: Values; errors: Errors }): Html {
  const { errors, values: v } = opts;
  const text = (name: string, label: string, type: string, hint?: string, autocomplete?: string) =>
    html`<div class="field${errors[name] ? ' invalid' : ''}"><label for="${name}">${label}</label><input type="${type}" id="${name}" name="${name}" value="${v[name] ?? ''}"${
      autocomplete ? html` autocomplete="${autocomplete}"` : null
    } aria-describedby="${describedBy(errors, name, hint !== undefined)}">${hint ? html`<p class="hint" id="${name}-hint">${hint}</p>` : null}${errorText(errors, name)}</div>`;
  return page(
    { title: 'Report illegal content', noindex: true },
    html`<h1>Report illegal content</h1>
<p>About “${opts.adTitle}” (ad ${opts.adId}). We confirm receipt by e-mail and tell you what we decided.</p>
${errorSummary(errors)}
<form class="post" method="post" action="/report/notice" novalidate>
${csrfField(opts.csrf)}
<input type="hidden" name="ad" value="${opts.adId}">
<div class="field${errors.category ? ' invalid' : ''}"><label for="category">What kind of problem is it?</label><select id="category" name="category" aria-describedby="${describedBy(errors, 'category')}"><option value="">Choose one</option>${NOTICE_CATEGORIES.map(
      (c) => html`<option value="${c}"${v.category === c ? html` selected` : null}>${NOTICE_CATEGORY_TEXT[c]}</option>`,
    )}</select>${errorText(errors, 'category')}</div>
<div class="field${errors.explanation ? ' invalid' : ''}"><label for="explanation">Why is this content illegal or against the rules?</label><textarea id="explanation" name="explanation" rows="6" aria-describedby="${describedBy(errors, 'explanation', true)}">${v.explanation ?? ''}</textarea><p class="hint" id="explanation-hint">Be as precise as you can: what in the ad, and which law or rule.</p>${errorText(errors, 'explanation')}</div>
${text('url', 'Exact address (URL) of the content', 'url')}
${text('name', 'Your name', 'text', 'Not needed for reports about the sexual abuse or exploitation of a minor.', 'name')}
${text('email', 'Your e-mail address', 'email', 'Not needed for reports about the sexual abuse or exploitation of a minor; without it we cannot tell you the outcome.', 'email')}
<div class="field${errors.good_faith ? ' invalid' : ''}"><input type="checkbox" id="good_faith" name="good_faith" value="on"${v.good_faith === 'on' ? html` checked` : null} aria-describedby="${describedBy(errors, 'good_faith')}"> <label for="good_faith">I believe in good faith that the information and allegations in this report are accurate and complete.</label>${errorText(errors, 'good_faith')}</div>
<p><button type="submit">Send the notice</button></p>
</form>`,
  );
}

export function noticeThanksPage(noticeId: number, mailed: boolean): Html {
  return page(
    { title: 'Notice received', noindex: true },
    html`<h1>Notice received</h1><p class="notice ok" role="status" id="notice-received">Your reference is N-${noticeId}. ${
      mailed ? 'We sent a confirmation to your e-mail address and will write again with the outcome.' : 'A moderator will review it.'
    }</p><p><a href="/">Back to the home page</a></p>`,
  );
}
