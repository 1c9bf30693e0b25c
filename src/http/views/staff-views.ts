/**
 * The staff pages: the review queue, the review page of one item, and the moderation metrics.
 * Server-rendered and complete without JavaScript: photos are blurred and greyscale until a
 * moderator ticks "show" or focuses the photo (CSS only), and every action is a plain form.
 * /assets/staff.js adds keyboard shortcuts (a, r, e) that press the same buttons.
 */
import { priorityName } from '../../moderation/metrics.ts';
import { POLICY_REASONS, POLICY_REASON_KEYS, SLA_HOURS, type PolicyReasonKey } from '../../moderation/policy.ts';
import { escapeHtml, html, raw, type Html } from '../html.ts';
import { formatDate, photoUrl, STAFF_PHOTOS } from './format.ts';
import { page } from './layout.ts';
import { repostSection, type RepostView } from './repost-view.ts';

const HEAD = html`<link rel="stylesheet" href="/assets/staff.css"><script src="/assets/staff.js" defer></script>`;
export const staffPage = (title: string, content: Html) =>
  page({ title, noindex: true, head: HEAD }, html`<nav class="staff-nav" aria-label="Staff"><a href="/staff/queue">Review queue</a> · <a href="/staff/metrics">Metrics</a> · <a href="/staff/admin">Admin</a> · <a href="/staff/admin/staff">Staff</a></nav>${content}`);
export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export const SOURCE_TEXT: Record<string, string> = {
  screening: 'Screening',
  hash_match: 'Image hash match',
  flag: 'Flag',
  notice: 'Notice (Art. 16)',
  appeal: 'Appeal',
  message_report: 'Reported relay message',
  repost: 'Re-post of removed content',
};

/** "35 min", "5 h", "3 d". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 6) / 10;
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

/**
 * The text with every occurrence of each evidence string wrapped in <mark>. Built from escaped
 * substrings of the original: neither the ad text nor the evidence can inject markup.
 */
export function highlight(text: string, evidence: readonly string[]): Html {
  const spans: [number, number][] = [];
  const lower = text.toLowerCase();
  for (const e of new Set(evidence)) {
    const needle = e.toLowerCase();
    if (needle.trim().length === 0 || needle.length !== e.length) continue;
    for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) spans.push([at, at + needle.length]);
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  let out = '';
  let pos = 0;
  for (const [start, end] of merged) {
    out += escapeHtml(text.slice(pos, start)) + '<mark>' + escapeHtml(text.slice(start, end)) + '</mark>';
    pos = end;
  }
  out += escapeHtml(text.slice(pos));
  return raw(out);
}

function blurredPhoto(src: string, alt: string, id: string): Html {
  return html`<span class="sensitive-photo"><input type="checkbox" class="reveal" id="${id}"><label for="${id}">Show</label><img src="${src}" alt="${alt}" tabindex="0" loading="lazy"></span>`;
}

// --- queue ---------------------------------------------------------------------------------------

export interface QueueRow {
  itemId: number;
  adId: number;
  title: string;
  priority: number;
  label: string | null;
  source: string;
  trusted: boolean;
  createdAt: Date;
  slaDueAt: Date;
  claimedBy: string | null;
  claimedByMe: boolean;
  thumbKey: string | null;
}

export function queuePage(opts: {
  rows: QueueRow[];
  counts: { priority: number; open: number; overdue: number }[];
  now: Date;
  csrf: string;
  message?: string | null;
  priority?: number | null;
  /** Item ids to page from: "next" shows the items after it, "previous" the ones before. */
  paging?: { next: number | null; previous: number | null };
}): Html {
  const { now } = opts;
  const filter = opts.priority !== null && opts.priority !== undefined ? `priority=${opts.priority}&` : '';
  const pager =
    opts.paging && (opts.paging.next !== null || opts.paging.previous !== null)
      ? html`<nav class="pager" aria-label="Queue pages">${opts.paging.previous !== null ? html`<a rel="prev" href="/staff/queue?${filter}before=${opts.paging.previous}">← Previous 50</a>` : null}${opts.paging.previous !== null && opts.paging.next !== null ? ' · ' : null}${opts.paging.next !== null ? html`<a rel="next" href="/staff/queue?${filter}after=${opts.paging.next}">Next 50 →</a>` : null}</nav>`
      : null;
  return staffPage(
    'Review queue',
    html`<h1>Review queue</h1>
${opts.message ? html`<p class="notice" role="status">${opts.message}</p>` : null}
<table class="staff counts">
<caption>Open items per priority</caption>
<thead><tr><th scope="col">Priority</th><th scope="col">SLA target</th><th scope="col">Open</th><th scope="col">Overdue</th></tr></thead>
<tbody>${SLA_HOURS.map((hours, p) => {
      const c = opts.counts.find((x) => x.priority === p);
      return html`<tr class="p${p}" data-priority="${p}"><th scope="row"><a href="/staff/queue?priority=${p}"${opts.priority === p ? raw(' aria-current="page"') : null}>${priorityName(p)}</a></th><td>${hours} h</td><td class="open">${c?.open ?? 0}</td><td class="${c?.overdue ? 'overdue' : ''}">${c?.overdue ?? 0}</td></tr>`;
    })}</tbody>
</table>
${opts.priority !== null && opts.priority !== undefined ? html`<p>Showing ${priorityName(opts.priority)} only. <a href="/staff/queue">Show all priorities</a></p>` : null}
<form method="post" action="/staff/queue/claim-next" class="claim-next">${csrfField(opts.csrf)}<button type="submit" data-key="n">Claim the next item</button></form>
${opts.rows.length === 0
  ? html`<p class="notice ok">The queue is empty.</p>`
  : html`<table class="staff queue">
<thead><tr><th scope="col">Priority</th><th scope="col">Photo</th><th scope="col">Ad</th><th scope="col">Label</th><th scope="col">Source</th><th scope="col">Age / SLA</th><th scope="col">Claimed by</th></tr></thead>
<tbody>${opts.rows.map((r) => {
      const overdue = r.slaDueAt < now;
      const age = duration(now.getTime() - r.createdAt.getTime());
      return html`<tr class="p${r.priority}${overdue ? ' is-overdue' : ''}" data-item="${r.itemId}">
<td>${priorityName(r.priority)}</td>
<td>${r.thumbKey ? blurredPhoto(photoUrl(r.thumbKey, 'thumb', STAFF_PHOTOS), `Photo of ad ${r.adId}`, `reveal-${r.itemId}`) : '—'}</td>
<td><a href="/staff/items/${r.itemId}">${r.title}</a> <small>ad ${r.adId}</small></td>
<td>${r.label ?? '—'}</td>
<td>${SOURCE_TEXT[r.source] ?? r.source}${r.trusted ? html` <strong class="trusted">trusted flagger</strong>` : null}</td>
<td>${age} of ${SLA_HOURS[r.priority] ?? '?'} h${overdue ? html` <strong class="overdue">overdue by ${duration(now.getTime() - r.slaDueAt.getTime())}</strong>` : html` <small>due in ${duration(r.slaDueAt.getTime() - now.getTime())}</small>`}</td>
<td>${r.claimedBy ? (r.claimedByMe ? 'you' : r.claimedBy) : '—'}</td>
</tr>`;
    })}</tbody></table>`}
${pager}`,
  );
}

// --- review page ---------------------------------------------------------------------------------

export interface AdSummary {
  id: number;
  title: string;
  state: string;
  city: string;
  createdAt: Date;
}

export interface MessageReportView {
  report: { id: number; messageId: number | null; reporterSide: string; reason: string; details: string | null; state: string; createdAt: Date };
  thread: { id: number; replierUserId: number | null };
  messages: { id: number; fromSide: string; via: string; body: string; state: string; createdAt: Date }[];
  /** The replier has an account (the thread's, or a confirmed one with their address): it can be suspended or banned. */
  replierAccount?: boolean;
}

/** The forms acting on each report's replier: shown to the moderator holding the claim on an open message-report item. */
interface ReplierForms {
  itemId: number;
  csrf: string;
  reason: PolicyReasonKey;
}

/** A reported conversation: who reported what, and every message of the thread with the reported one marked. */
function messageReportSection(reports: MessageReportView[], forms: ReplierForms | null): Html {
  return html`<section id="message-reports"><h2>Reported messages</h2>${reports.map(
    ({ report, thread, messages, replierAccount }) => html`<article class="message-report" data-report="${report.id}">
<h3>Report ${report.id}: ${report.reason} · by the ${report.reporterSide} · ${formatDate(report.createdAt)} · ${report.state}</h3>
${report.details ? html`<p>${report.details}</p>` : null}
<p><small>Thread ${thread.id}${thread.replierUserId !== null ? ` · replier is account ${thread.replierUserId}` : ' · replier has no account'}</small></p>
${messages.length === 0 ? html`<p>No messages left (purged).</p>` : html`<ol class="relay-thread">${messages.map(
      (m) => html`<li${m.id === report.messageId ? html` class="reported" id="reported-${report.id}"` : null}><strong>${m.fromSide}</strong> · ${m.via} · ${m.state} · ${formatDate(m.createdAt)}${m.id === report.messageId ? html` <mark>reported</mark>` : null}<pre>${m.body || '(purged)'}</pre></li>`,
    )}</ol>`}
${forms && report.state === 'open' && report.reporterSide === 'poster' ? replierForm(report.id, replierAccount === true, forms) : null}
</article>`,
  )}</section>`;
}

/** Decisions aimed at the replier who sent the reported message; each mails them a statement of reasons. */
function replierForm(reportId: number, hasAccount: boolean, f: ReplierForms): Html {
  const id = (name: string) => `replier-${name}-${reportId}`;
  return html`<form method="post" action="/staff/items/${f.itemId}/replier" class="decide replier-decide">
${csrfField(f.csrf)}
<input type="hidden" name="report" value="${reportId}">
<h4>Act on the replier</h4>
<p class="hint">These act on the person who sent the message, not on the ad, and mail them a statement of reasons. Blocking stops their address from sending through the relay to anyone.${hasAccount ? '' : ' They have no account, so there is nothing to suspend or ban.'}</p>
<div class="field"><label for="${id('reason')}">Rule the message breaks</label><select id="${id('reason')}" name="reason">${POLICY_REASON_KEYS.map((k) => html`<option value="${k}"${k === f.reason ? raw(' selected') : null}>${POLICY_REASONS[k].text}</option>`)}</select></div>
${hasAccount ? html`<div class="field"><label for="${id('days')}">Suspension days</label><input id="${id('days')}" name="days" type="number" min="1" max="365" value="7"></div>` : null}
<div class="field"><label for="${id('note')}">Note for the statement of reasons (optional)</label><textarea id="${id('note')}" name="note" rows="2" maxlength="1000"></textarea></div>
<p class="actions">
<button type="submit" name="action" value="warn">Warn the replier</button>
<button type="submit" name="action" value="relay_block">Block the replier from the relay</button>
${hasAccount ? html`<button type="submit" name="action" value="suspend">Suspend the replier's account</button>
<button type="submit" name="action" value="ban">Ban the replier's account</button>` : null}
</p>
</form>`;
}

export interface ReviewPageInput {
  item: { id: number; priority: number; label: string | null; source: string; trusted: boolean; state: string; createdAt: Date; slaDueAt: Date; decision: string | null };
  ad: { id: number; title: string; body: string; state: string; email: string; phone: string | null; city: string; category: string; createdAt: Date };
  /** Staff addresses of the photos; `removed` when a hash-bank rejection deleted the files (the rows and hashes stay). */
  photos: { src: string; removed: boolean }[];
  screening: { decision: string; score: number; labels: string[]; reasons: { rule: string; label: string; evidence: string }[]; group: string | null; editedUnderReviewAt: Date | null } | null;
  flags: { reason: string; weight: number; outcome: string | null; createdAt: Date }[];
  notices: { id: number; category: string; explanation: string; outcome: string | null; trusted: boolean }[];
  history: AdSummary[];
  /** Earlier decisions in the removed-content bank that this ad matches (src/moderation/removed-content.ts). */
  reposts?: RepostView[];
  /** Reports about the ad's relay conversations, each with the whole thread. */
  messageReports?: MessageReportView[];
  linked: { kind: string; ads: AdSummary[] }[];
  templateGroupSize: number;
  claim: { mine: boolean; by: string | null; until: Date | null };
  /** Why the signed-in moderator may not claim or decide this item (their own ad, or a staff ad of their rank or above), or null. */
  conflict?: string | null;
  categories: { id: number; name: string }[];
  csrf: string;
  now: Date;
  error?: string | null;
  /** For appeal items: the appeals it carries, each with the appealed statement and who took it. */
  appeals?: AppealReview[];
  /** The outcome form as the moderator filled it, after a refused submission. */
  appealValues?: Record<string, string>;
  appealErrors?: Record<string, string>;
}

export interface AppealReview {
  id: number;
  state: string;
  explanation: string;
  createdAt: Date;
  outcomeReason: string | null;
  decidedBy: string | null;
  /** "automated", or the e-mail of the moderator who took the appealed decision. */
  originalDecider: string;
  /** The signed-in moderator took the appealed decision: they may not decide this appeal. */
  mine: boolean;
  /** The statement was addressed to the replier who sent a reported relay message, not to the poster. */
  replier?: boolean;
  statement: { puid: string; createdAt: Date; what: string; ground: string; basis: string; how: string; decisionFacts: string };
}

function suggestedReason(label: string | null): PolicyReasonKey {
  if (label && label in POLICY_REASONS) return label as PolicyReasonKey;
  if (label === 'prohibited') return 'prohibited_goods';
  if (label === 'illegal') return 'prohibited_goods';
  if (label === 'terms') return 'spam';
  return 'spam';
}

const adList = (list: AdSummary[]) =>
  html`<ul class="ad-list-staff">${list.map((a) => html`<li><span class="state state-${a.state}">${a.state}</span> ${a.title} <small>ad ${a.id} · ${a.city} · ${formatDate(a.createdAt)}</small></li>`)}</ul>`;

export function reviewPage(v: ReviewPageInput): Html {
  const { item, ad, now } = v;
  const evidence = v.screening?.reasons.map((r) => r.evidence) ?? [];
  const overdue = item.state === 'open' && item.slaDueAt < now;
  const reason = suggestedReason(item.label);
  const reasonSelect = (id: string) =>
    html`<select id="${id}" name="reason">${POLICY_REASON_KEYS.map((k) => html`<option value="${k}"${k === reason ? raw(' selected') : null}>${POLICY_REASONS[k].text}</option>`)}</select>`;
  const ownAppeal = item.source === 'appeal' && (v.appeals ?? []).some((a) => a.state === 'open' && a.mine);
  const decisionForm =
    item.state !== 'open'
      ? html`<p class="notice ok">This item is closed (${item.state}${item.decision ? `: ${item.decision}` : ''}).</p>`
      : v.conflict
        ? html`<p class="notice warn" id="decision-conflict" role="alert">${v.conflict} It is not claimed for you, and "Claim the next item" skips it.</p>`
      : ownAppeal
        ? html`<p class="notice warn" id="own-appeal" role="alert">You took the decision this appeal contests, so another moderator has to decide it. It is not claimed for you, and "Claim the next item" skips it.</p>`
      : !v.claim.mine
        ? html`<p class="notice warn">${v.claim.by ? `Claimed by ${v.claim.by} until ${v.claim.until?.toISOString().slice(11, 16) ?? '?'} UTC.` : 'Not claimed.'} Only the moderator holding the claim can decide it; reload the page to claim it once the claim has expired.</p>`
        : item.source === 'appeal'
          ? appealForms(v)
        : html`<form method="post" action="/staff/items/${item.id}/decide" class="decide">
${csrfField(v.csrf)}
<p class="hint">You hold the claim on this item until ${v.claim.until?.toISOString().slice(11, 16) ?? '?'} UTC. Keys: <kbd>a</kbd> approve, <kbd>r</kbd> remove, <kbd>e</kbd> escalate.</p>
<div class="field"><label for="reason">Policy reason (remove, warn, suspend, ban)</label>${reasonSelect('reason')}</div>
<div class="field"><label for="category">New category (move)</label><select id="category" name="category"><option value="">—</option>${v.categories.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</select></div>
<div class="field"><label for="days">Suspension days</label><input id="days" name="days" type="number" min="1" max="365" value="7"></div>
<div class="field"><label for="note">Note for the statement of reasons (optional)</label><textarea id="note" name="note" rows="2" maxlength="1000"></textarea></div>
<p class="actions">
<button type="submit" name="action" value="approve" data-key="a">Approve</button>
<button type="submit" name="action" value="remove" data-key="r">Remove</button>
<button type="submit" name="action" value="move_category">Move category</button>
<button type="submit" name="action" value="warn">Warn</button>
<button type="submit" name="action" value="suspend">Suspend poster</button>
<button type="submit" name="action" value="ban">Ban poster</button>
<button type="submit" name="action" value="escalate" data-key="e">Escalate</button>
</p>
</form>
${v.templateGroupSize > 1
  ? html`<form method="post" action="/staff/items/${item.id}/bulk" class="bulk">
${csrfField(v.csrf)}
<input type="hidden" name="link" value="template"><input type="hidden" name="expected" value="${v.templateGroupSize}">
<div class="field"><label for="bulk-reason">Policy reason</label>${reasonSelect('bulk-reason')}</div>
<p><button type="submit" name="action" value="remove">Remove all ${v.templateGroupSize} ads of this group</button></p>
</form>`
  : null}`;

  return staffPage(
    `Review: ${ad.title}`,
    html`<h1>Review item ${item.id}</h1>
${v.error ? html`<p class="notice warn" role="alert">${v.error}</p>` : null}
<dl class="item-facts">
<dt>Priority</dt><dd class="p${item.priority}">${priorityName(item.priority)}</dd>
<dt>Label</dt><dd>${item.label ?? '—'}</dd>
<dt>Source</dt><dd>${SOURCE_TEXT[item.source] ?? item.source}${item.trusted ? ' (trusted flagger)' : ''}</dd>
<dt>Age</dt><dd>${duration(now.getTime() - item.createdAt.getTime())} of ${SLA_HOURS[item.priority] ?? '?'} h${overdue ? html` <strong class="overdue">overdue</strong>` : null}</dd>
</dl>
${decisionForm}
${v.appeals && v.appeals.length > 0 ? appealSection(v.appeals) : null}
<section class="ad-under-review">
<h2>${highlight(ad.title, evidence)}</h2>
<p><small>Ad ${ad.id} · ${ad.state} · ${ad.category} · ${ad.city} · posted ${formatDate(ad.createdAt)} · ${ad.email}${ad.phone ? ` · ${ad.phone}` : ''}</small></p>
${v.photos.length > 0 ? html`<div class="staff-photos">${v.photos.map((p, i) =>
  p.removed
    ? html`<span class="photo-removed">Photo ${i + 1} of ${v.photos.length} removed: it matched a hash bank that rejects, so its files were deleted; its hashes are kept.</span>`
    : blurredPhoto(p.src, `Photo ${i + 1} of ${v.photos.length}`, `reveal-photo-${i}`))}</div>` : null}
<div class="ad-body">${highlight(ad.body, evidence)}</div>
</section>
${repostSection(v.reposts ?? [])}
<section><h2>Screening</h2>
${v.screening
  ? html`${v.screening.editedUnderReviewAt ? html`<p class="notice">The poster edited this ad on ${formatDate(v.screening.editedUnderReviewAt)}, while it was under review. The text above and this screening result are of the edited ad; it stays off the site until you decide.</p>` : null}
<p>Decision <strong>${v.screening.decision}</strong>, score ${v.screening.score.toFixed(2)}, labels ${v.screening.labels.join(', ') || 'none'}${v.screening.group ? `, template group ${v.screening.group}` : ''}.</p>
${v.screening.reasons.length > 0 ? html`<table class="staff"><thead><tr><th scope="col">Rule</th><th scope="col">Label</th><th scope="col">Evidence</th></tr></thead><tbody>${v.screening.reasons.map((r) => html`<tr><td>${r.rule}</td><td>${r.label}</td><td><mark>${r.evidence}</mark></td></tr>`)}</tbody></table>` : null}`
  : html`<p>No screening result stored.</p>`}
</section>
<section><h2>Flags and notices</h2>
${v.flags.length === 0 && v.notices.length === 0 ? html`<p>None.</p>` : null}
${v.flags.length > 0 ? html`<ul>${v.flags.map((f) => html`<li>${f.reason} (weight ${f.weight}) ${f.outcome ?? 'open'} · ${formatDate(f.createdAt)}</li>`)}</ul>` : null}
${v.notices.length > 0 ? html`<ul>${v.notices.map((n) => html`<li>N-${n.id} ${n.category}${n.trusted ? ' (trusted flagger)' : ''}: ${n.explanation} <small>${n.outcome ?? 'open'}</small></li>`)}</ul>` : null}
</section>
${v.messageReports?.length
  ? messageReportSection(v.messageReports, item.state === 'open' && item.source === 'message_report' && v.claim.mine && !v.conflict ? { itemId: item.id, csrf: v.csrf, reason: suggestedReason(item.label) } : null)
  : null}
<section><h2>Poster history</h2>
${v.history.length === 0 ? html`<p>No other ads from ${ad.email}.</p>` : adList(v.history)}
</section>
<section><h2>Linked ads</h2>
${v.linked.every((l) => l.ads.length === 0)
  ? html`<p>No other live ads share this ad's phone, e-mail, images or template.</p>`
  : v.linked.filter((l) => l.ads.length > 0).map((l) => html`<h3>Same ${l.kind} (${l.ads.length})</h3>${adList(l.ads)}`)}
</section>`,
  );
}

// --- appeals -------------------------------------------------------------------------------------

const APPEAL_STATE: Record<string, string> = { open: 'open', upheld: 'upheld (decision stands)', reversed: 'reversed' };

function appealSection(appeals: AppealReview[]): Html {
  return html`<section class="appeals"><h2>Appeal${appeals.length > 1 ? 's' : ''}</h2>${appeals.map(
    (a) => html`<article class="appeal" data-appeal="${a.id}">
<h3>Appeal A-${a.id} · ${APPEAL_STATE[a.state] ?? a.state}</h3>
<dl class="item-facts">
<dt>Appealed decision</dt><dd>${a.statement.what} <small>${formatDate(a.statement.createdAt)} · <code>${a.statement.puid}</code></small></dd>
<dt>Ground</dt><dd>${a.statement.ground} <small>${a.statement.basis}</small></dd>
<dt>Statement facts</dt><dd>${a.statement.decisionFacts}</dd>
<dt>How</dt><dd>${a.statement.how}</dd>
<dt>Decided by</dt><dd class="original-decider">${a.originalDecider}${a.mine ? ' (you)' : ''}</dd>
<dt>Appealed</dt><dd>${formatDate(a.createdAt)}</dd>
</dl>
${a.replier ? html`<p class="notice warn">A decision about the replier who sent a reported message, not about the ad: reversing does not change the ad.</p>` : null}
<h4>The ${a.replier ? 'replier' : 'poster'}'s explanation</h4>
<div class="ad-body appeal-explanation">${a.explanation}</div>
${a.state !== 'open' ? html`<p class="notice ok">Decided by ${a.decidedBy ?? '?'}: ${a.outcomeReason ?? ''}</p>` : null}
</article>`,
  )}</section>`;
}

function appealForms(v: ReviewPageInput): Html {
  const errors = v.appealErrors ?? {};
  const values = v.appealValues ?? {};
  const open = (v.appeals ?? []).filter((a) => a.state === 'open' && !a.mine);
  if (open.length === 0) return html`<p class="notice ok">No open appeal on this item.</p>`;
  return html`${open.map((a) => {
    const id = `appeal-reason-${a.id}`;
    const err = values.appeal === String(a.id) ? errors.reason : undefined;
    return html`<form method="post" action="/staff/items/${v.item.id}/appeal" class="decide appeal-decide">
${csrfField(v.csrf)}
<input type="hidden" name="appeal" value="${a.id}">
${a.replier
  ? html`<p class="hint">You hold the claim on this item until ${v.claim.until?.toISOString().slice(11, 16) ?? '?'} UTC. Reversing withdraws a warning, lifts a relay block, or lifts the suspension or ban of the replier's account; the ad is not changed. Upholding changes nothing. The replier gets the outcome and your reason by mail.</p>`
  : html`<p class="hint">You hold the claim on this item until ${v.claim.until?.toISOString().slice(11, 16) ?? '?'} UTC. Reversing republishes the ad (its expiry moved on by the time it was offline), lifts a suspension or ban and its blocked contacts, and counts the flags behind the decision as rejected. Upholding changes nothing. The poster gets the outcome and your reason by mail.</p>`}
<div class="field${err ? ' invalid' : ''}"><label for="${id}">Reason for the outcome (sent to the ${a.replier ? 'replier' : 'poster'})</label><textarea id="${id}" name="reason" rows="3" maxlength="2000"${err ? raw(` aria-describedby="${id}-error"`) : null}>${values.appeal === String(a.id) ? (values.reason ?? '') : ''}</textarea>${err ? html`<p class="error" id="${id}-error">${err}</p>` : null}</div>
<p class="actions">
<button type="submit" name="outcome" value="uphold">Uphold the decision</button>
<button type="submit" name="outcome" value="reverse">Reverse the decision</button>
</p>
</form>`;
  })}`;
}
