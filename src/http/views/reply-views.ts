/** The relay's pages: the reply form (on the ad page and on its own), confirmation, and the thread page. */
import type { AdRow } from '../../listings/ad.repository.ts';
import { warningLines } from '../../messaging/message-risk.ts';
import { REPORT_REASONS } from '../../messaging/relay-input.ts';
import type { MessageRow } from '../../messaging/relay.repository.ts';
import type { ThreadView } from '../../messaging/relay.service.ts';
import { html, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { page } from './layout.ts';

export interface ReplyFormInput {
  adId: number;
  csrfToken: string;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  /** A signed-in replier's address: no e-mail field then. */
  signedInEmail?: string | null;
}

const fieldError = (errors: Record<string, string>, key: string) =>
  errors[key] ? html`<p class="field-error" id="${key}-error">${errors[key]}</p>` : null;

export function replyForm(input: ReplyFormInput): Html {
  const values = input.values ?? {};
  const errors = input.errors ?? {};
  return html`<form method="post" action="/reply/${input.adId}" class="reply-form" id="reply-form">
<input type="hidden" name="_csrf" value="${input.csrfToken}">
<p>
<label for="reply-message">Your message to the poster</label>
<textarea id="reply-message" name="message" rows="5" maxlength="5000" required${errors.message ? html` aria-invalid="true" aria-describedby="message-error"` : null}>${values.message ?? ''}</textarea>
${fieldError(errors, 'message')}
</p>
${input.signedInEmail
  ? html`<p class="hint">You reply as ${input.signedInEmail}; the poster sees only a relay address.</p>`
  : html`<p>
<label for="reply-email">Your e-mail address</label>
<input id="reply-email" type="email" name="email" autocomplete="email" required maxlength="254" value="${values.email ?? ''}"${errors.email ? html` aria-invalid="true" aria-describedby="email-error"` : null}>
${fieldError(errors, 'email')}
<span class="hint">Never shown to the poster. The first time, we mail you a link to confirm the message.</span>
</p>`}
<p><button type="submit">Send through the relay</button></p>
</form>`;
}

export function replyPage(ad: AdRow, adPath: string, form: Html, error?: string): Html {
  return page(
    { title: `Reply: ${ad.title}`, noindex: true },
    html`<h1>Reply to “${ad.title}”</h1>
<p><a href="${adPath}">Back to the ad</a></p>
${error ? html`<p class="notice warn" id="reply-error" role="alert">${error}</p>` : null}
${form}`,
  );
}

export function replyCheckMailPage(email: string): Html {
  return page(
    { title: 'Check your e-mail', noindex: true },
    html`<h1>Check your e-mail</h1>
<p class="notice ok" id="reply-check-mail" role="status">We sent a link to ${email}. Open it to send your message: it goes to the poster only once you confirm.</p>`,
  );
}

export function replyConfirmPage(adTitle: string, message: MessageRow, action: string, csrfToken: string): Html {
  return page(
    { title: 'Send your reply', noindex: true },
    html`<h1>Send your reply about “${adTitle}”</h1>
<blockquote class="relay-message">${message.body}</blockquote>
<form method="post" action="${action}">
<input type="hidden" name="_csrf" value="${csrfToken}">
<p><button type="submit">Confirm and send</button></p>
</form>`,
  );
}

export interface ThreadPageInput {
  view: ThreadView;
  basePath: string;
  csrfToken: string;
  flash?: string;
  error?: string;
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

const FLASH: Record<string, string> = {
  sent: 'Your message is sent.',
  blocked: 'Blocked: this person can no longer reach you through any of your ads.',
  unblocked: 'Unblocked.',
  reported: 'Thank you: the moderators will look at this conversation.',
};

export function flashFor(done: string | undefined): string | undefined {
  return done ? FLASH[done] : undefined;
}

/** The scam warning above a message, for its reader only: the sender is not told what was found. */
function scamWarning(m: MessageRow, me: string): Html | null {
  const lines = m.fromSide === me ? null : warningLines(m.riskKinds);
  return lines ? html`<div class="notice warn relay-warning" id="warning-${m.id}" role="alert">${lines.map((l) => html`<p>${l}</p>`)}</div>` : null;
}

export function threadPage(input: ThreadPageInput): Html {
  const { view, basePath, csrfToken } = input;
  const errors = input.errors ?? {};
  const me = view.side;
  const other = me === 'poster' ? 'Replier' : 'Poster';
  const csrf = html`<input type="hidden" name="_csrf" value="${csrfToken}">`;
  return page(
    { title: `Conversation: ${view.ad.title}`, noindex: true },
    html`<h1>Conversation about “${view.ad.title}”</h1>
${input.flash ? html`<p class="notice ok" id="flash" role="status">${input.flash}</p>` : null}
${input.error ? html`<p class="notice warn" id="thread-error" role="alert">${input.error}</p>` : null}
${view.open ? null : html`<p class="notice warn" id="relay-closed">This ad has ended, so the relay is closed: new messages are not delivered. The conversation stays readable for 30 days after the ad ends.</p>`}
${view.screeningText
  ? html`<section class="screening" id="screening"><h2>About this replier</h2><ul>${view.screeningText.map((l) => html`<li>${l}</li>`)}</ul></section>`
  : null}
${view.thread.purgedAt ? html`<p class="notice" id="purged">The messages of this conversation were removed 30 days after the ad ended.</p>` : null}
<ol class="relay-thread" id="messages">
${view.messages.map(
  (m) => html`<li class="relay-message from-${m.fromSide}" id="message-${m.id}">
<p class="hint"><strong>${m.fromSide === me ? 'You' : other}</strong> · <time datetime="${m.createdAt.toISOString()}">${formatDate(m.createdAt)}</time>${
    m.state === 'pending' ? ' · waiting for your confirmation' : null
  }${m.attachmentsDropped > 0 ? html` · ${m.attachmentsDropped} attachment(s) removed` : null}</p>
${scamWarning(m, me)}
<div class="body">${m.body}</div>
</li>`,
)}
</ol>
${view.open
  ? html`<h2>Answer</h2>
<form method="post" action="${basePath}/send" id="answer-form">
${csrf}
<p><label for="answer-message">Your message</label>
<textarea id="answer-message" name="message" rows="5" maxlength="5000" required>${input.values?.message ?? ''}</textarea>
${fieldError(errors, 'message')}</p>
<p><button type="submit">Send</button></p>
<p class="hint">You can also answer by replying to the relay mail. Your address stays hidden.</p>
</form>`
  : null}
${me === 'poster'
  ? html`<h2>Block</h2>
<form method="post" action="${basePath}/block" id="block-form">
${csrf}
${view.blocked
  ? html`<input type="hidden" name="action" value="unblock"><p>You blocked this replier. <button type="submit" class="secondary">Unblock</button></p>`
  : html`<p><label class="check" for="confirm-block"><input type="checkbox" id="confirm-block" name="confirm" value="yes" required> Block this replier on all my ads</label></p>
<p><button type="submit" class="danger">Block</button></p>`}
</form>`
  : null}
<h2>Report</h2>
<form method="post" action="${basePath}/report" id="report-form">
${csrf}
<p><label for="report-reason">Reason</label>
<select id="report-reason" name="reason" required>
<option value="">Choose a reason</option>
${Object.entries(REPORT_REASONS).map(([v, label]) => html`<option value="${v}"${input.values?.reason === v ? ' selected' : null}>${label}</option>`)}
</select>
${fieldError(errors, 'reason')}</p>
<p><label for="report-details">Details (optional)</label>
<textarea id="report-details" name="details" rows="3" maxlength="1000">${input.values?.details ?? ''}</textarea>
${fieldError(errors, 'details')}</p>
<p><button type="submit" class="secondary">Report this conversation</button></p>
</form>
<p class="hint">Keep this page's address private: anyone with it can read and answer this conversation.</p>`,
  );
}
