/**
 * The review page's "Re-post of removed content" section: each earlier decision the ad matches in
 * the removed-content bank (src/moderation/removed-content.ts), linked to the earlier decision's
 * review item when it had one, with the earlier ad's title and state, the statement's reference and
 * how the two ads match. Read from the verdict's details, defensively (older rows have none).
 */
import { POLICY_REASONS } from '../../moderation/policy.ts';
import { html, type Html } from '../html.ts';
import { formatDate } from './format.ts';

export interface RepostView {
  adId: number;
  label: string;
  decidedBy: string;
  statementPuid: string | null;
  reviewItemId: number | null;
  decidedAt: Date;
  textSimilarity: number | null;
  photosMatched: number;
  /** The earlier ad as it is now (null when it was purged). */
  earlier: { title: string; state: string } | null;
}

/** The matches stored in `ads.screening.details.repost`, without the earlier ads' current titles. */
export function repostsOf(screening: unknown): Omit<RepostView, 'earlier'>[] {
  const details = screening && typeof screening === 'object' ? (screening as { details?: unknown }).details : null;
  const list = details && typeof details === 'object' ? (details as { repost?: unknown }).repost : null;
  if (!Array.isArray(list)) return [];
  const num = (x: unknown) => (typeof x === 'number' && Number.isSafeInteger(x) ? x : null);
  return list
    .filter((m): m is Record<string, unknown> => !!m && typeof m === 'object' && num((m as Record<string, unknown>).adId) !== null)
    .map((m) => ({
      adId: num(m.adId)!,
      label: typeof m.label === 'string' ? m.label : '?',
      decidedBy: m.decidedBy === 'screening' ? 'screening' : 'a moderator',
      statementPuid: typeof m.statementPuid === 'string' ? m.statementPuid : null,
      reviewItemId: num(m.reviewItemId),
      decidedAt: new Date(typeof m.decidedAt === 'string' ? m.decidedAt : 0),
      textSimilarity: typeof m.textSimilarity === 'number' ? m.textSimilarity : null,
      photosMatched: num(m.photosMatched) ?? 0,
    }));
}

export function repostSection(reposts: readonly RepostView[]): Html | null {
  if (reposts.length === 0) return null;
  const how = (r: RepostView) =>
    [r.textSimilarity !== null ? `text ${Math.round(r.textSimilarity * 100)}% alike` : null, r.photosMatched > 0 ? `${r.photosMatched} photo${r.photosMatched > 1 ? 's' : ''} alike` : null].filter(Boolean).join(', ');
  return html`<section class="repost" id="repost"><h2>Re-post of removed content</h2>
<p class="notice warn">This ad matches content that was taken down before. Screening alone did not publish it; decide whether it breaks the rule again.</p>
<ul>${reposts.map(
    (r) => html`<li data-earlier-ad="${r.adId}">${r.reviewItemId !== null ? html`<a href="/staff/items/${r.reviewItemId}">Ad ${r.adId}</a>` : html`Ad ${r.adId}`}${r.earlier ? html` “${r.earlier.title}” (now ${r.earlier.state})` : ' (purged)'}:
${r.decidedBy === 'screening' ? 'rejected by screening' : 'removed by a moderator'} on ${formatDate(r.decidedAt)} for ${POLICY_REASONS[r.label as keyof typeof POLICY_REASONS]?.text ?? r.label}${r.statementPuid ? html` · statement <code>${r.statementPuid}</code>` : null} · ${how(r)}</li>`,
  )}</ul></section>`;
}
