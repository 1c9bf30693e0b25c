/**
 * Appeals (DSA Art. 20) for posters and for reported repliers: the appeal page of one decision (the decision, then the form,
 * the appeal already made and its outcome, or the refusal after six months), and the list of
 * decisions about an ad that the manage page and My ads show, each with its appeal link.
 */
import type { AppealPage, PosterDecision } from '../../moderation/appeal.service.ts';
import { APPEAL_EXPLANATION_MAX, APPEAL_EXPLANATION_MIN } from '../../moderation/policy.ts';
import { statementSummary } from '../../moderation/statements.ts';
import { html, type Html } from '../html.ts';
import { formatDate } from './format.ts';
import { page } from './layout.ts';

const APPEAL_STATE_TEXT: Record<string, string> = {
  open: 'Appealed: waiting for a moderator who did not take the decision',
  upheld: 'Appeal decided: the decision stands',
  reversed: 'Appeal decided: the decision was reversed',
};

function decisionFacts(d: PosterDecision): Html {
  const s = statementSummary(d.statement);
  return html`<dl class="decision-facts">
<dt>What was decided</dt><dd>${s.what}</dd>
<dt>Ground</dt><dd>${s.ground} <br><small>${s.basis}</small></dd>
<dt>How</dt><dd>${s.how}</dd>
<dt>Date</dt><dd>${formatDate(d.statement.createdAt)}</dd>
<dt>Reference</dt><dd><code>${d.statement.puid}</code></dd>
</dl>`;
}

function appealStatus(d: PosterDecision): Html | null {
  const a = d.appeal;
  if (!a) return null;
  return html`<div class="notice${a.state === 'reversed' ? ' ok' : a.state === 'upheld' ? ' warn' : ''}" id="appeal-state" data-state="${a.state}" role="status">
<p><strong>${APPEAL_STATE_TEXT[a.state] ?? a.state}</strong> (reference A-${a.id}, sent ${formatDate(a.createdAt)}).</p>
${a.outcomeReason ? html`<p>Reason: ${a.outcomeReason}</p>` : null}
<details><summary>Your explanation</summary><p class="appeal-explanation">${a.explanation}</p></details>
</div>`;
}

export function appealPage(opts: { view: AppealPage; csrf: string; values: Record<string, string>; errors: Record<string, string>; flash?: string | null; message?: string | null }): Html {
  const { view, errors } = opts;
  const err = errors.explanation;
  const expired = !view.appeal && !view.canAppeal;
  const replier = view.recipient === 'replier';
  return page(
    { title: 'Appeal a decision', noindex: true },
    html`<h1>Appeal a decision about your ${replier ? 'message' : 'ad'}</h1>
${replier ? html`<p id="about-message">A message you sent through Corkboard's relay about the ad “${view.ad.title}”.</p>` : html`<p>“${view.ad.title}” (ad ${view.ad.id})</p>`}
${opts.flash ? html`<p class="notice ok" id="flash" role="status">${opts.flash}</p>` : null}
${opts.message ? html`<p class="notice warn" id="appeal-message" role="alert">${opts.message}</p>` : null}
<h2>The decision</h2>
${decisionFacts(view)}
${appealStatus(view)}
${expired
  ? html`<p class="notice warn" id="appeal-closed" role="alert">The six months to appeal this decision ended on ${formatDate(view.deadline)}, so it can no longer be appealed here. You can still refer it to a certified out-of-court dispute settlement body or to a court.</p>`
  : null}
${view.canAppeal
  ? html`<h2>Your appeal</h2>
<p>Appealing is free. A moderator who did not take this decision will review it and write to you with the outcome and the reason. You can appeal until ${formatDate(view.deadline)}.</p>
${Object.keys(errors).length > 0 ? html`<div class="notice warn" role="alert" id="form-errors">${errors.form ?? 'Please correct the field marked below.'}</div>` : null}
<form class="post" method="post" action="${view.appealPath}" novalidate>
<input type="hidden" name="_csrf" value="${opts.csrf}">
<div class="field${err ? ' invalid' : ''}"><label for="explanation">Why is the decision wrong?</label><textarea id="explanation" name="explanation" rows="8" maxlength="${APPEAL_EXPLANATION_MAX}" aria-describedby="explanation-hint${err ? ' explanation-error' : ''}">${opts.values.explanation ?? ''}</textarea><p class="hint" id="explanation-hint">${APPEAL_EXPLANATION_MIN} to ${APPEAL_EXPLANATION_MAX.toLocaleString('en')} characters: ${replier ? 'what your message was about' : 'what the ad offers'}, and why it does not break the rule or the law named above.</p>${err ? html`<p class="error" id="explanation-error">${err}</p>` : null}</div>
<p><button type="submit">Send the appeal</button></p>
</form>`
  : null}`,
  );
}

/** The decisions about one ad with their appeal state, for the manage page and My ads. */
export function decisionsList(decisions: readonly PosterDecision[], opts: { compact?: boolean } = {}): Html | null {
  if (decisions.length === 0) return null;
  const item = (d: PosterDecision) => {
    const s = statementSummary(d.statement);
    const state = d.appeal
      ? html`<span class="appeal-state" data-state="${d.appeal.state}">${APPEAL_STATE_TEXT[d.appeal.state] ?? d.appeal.state}${d.appeal.outcomeReason ? html`: ${d.appeal.outcomeReason}` : null}</span> · <a href="${d.appealPath}">Details</a>`
      : d.canAppeal
        ? html`<a href="${d.appealPath}" class="appeal-link">Appeal this decision</a> <small>(until ${formatDate(d.deadline)})</small>`
        : html`<small>The six months to appeal ended on ${formatDate(d.deadline)}.</small>`;
    return opts.compact
      ? html`<li data-puid="${d.statement.puid}">${formatDate(d.statement.createdAt)}: ${s.what} ${state}</li>`
      : html`<li data-puid="${d.statement.puid}"><strong>${formatDate(d.statement.createdAt)}</strong>: ${s.what} ${s.ground} <br>${state}</li>`;
  };
  return html`<ul class="decisions">${decisions.map(item)}</ul>`;
}
