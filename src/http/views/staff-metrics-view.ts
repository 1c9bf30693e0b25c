/** The staff metrics page: queue sizes and times to decision, decisions, automation, appeals, flag accuracy, the mail outbox. */
import type { OutboxCounts } from '../../mail/mail-outbox.repository.ts';
import type { ModerationMetrics } from '../../moderation/metrics.ts';
import { priorityName } from '../../moderation/metrics.ts';
import { html, type Html } from '../html.ts';
import { duration, staffPage } from './staff-views.ts';

/** `mail`: the mail outbox's counts (no addresses: every staff role sees them; admins get the link to the list). */
export function metricsPage(m: ModerationMetrics, mail?: OutboxCounts, admin = false): Html {
  const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)} %`);
  return staffPage(
    'Moderation metrics',
    html`<h1>Moderation metrics</h1>
<p><a href="/staff/metrics.prom">Prometheus format</a></p>
<table class="staff"><caption>Queue</caption><thead><tr><th scope="col">Priority</th><th scope="col">Open</th><th scope="col">Overdue</th><th scope="col">Decided</th><th scope="col">Median time to decision</th></tr></thead>
<tbody>${m.queue.map((q) => {
      const t = m.timeToDecision.find((x) => x.priority === q.priority);
      return html`<tr><th scope="row">${priorityName(q.priority)}</th><td>${q.open}</td><td>${q.overdue}</td><td>${t?.decided ?? 0}</td><td>${t ? duration(t.medianSeconds * 1000) : '—'}</td></tr>`;
    })}</tbody></table>
<table class="staff"><caption>Decisions by label</caption><thead><tr><th scope="col">Label</th><th scope="col">Decision</th><th scope="col">Items</th></tr></thead>
<tbody>${m.decisionsByLabel.map((d) => html`<tr><td>${d.label}</td><td>${d.decision}</td><td>${d.count}</td></tr>`)}</tbody></table>
<p>Restrictive actions and decisions: <strong>${m.automation.automated}</strong> automated (screening, flag holds), <strong>${m.automation.human}</strong> by moderators.</p>
${mail
      ? html`<p id="mail-metrics">Mail outbox (statements of reasons, receipts, outcomes): <strong>${mail.pending}</strong> waiting to be sent (<strong>${mail.failing}</strong> failing), <strong>${mail.givenUp}</strong> given up${admin ? html` (<a href="/staff/admin/mail">see and retry</a>)` : mail.givenUp > 0 ? html` (an admin can retry them)` : null}.</p>`
      : null}
<p id="appeal-metrics">Appeals: <strong>${m.appeals.open}</strong> open, <strong>${m.appeals.upheld}</strong> upheld, <strong>${m.appeals.reversed}</strong> reversed; reversal rate <strong>${pct(m.appeals.reversalRate)}</strong>.</p>
<table class="staff"><caption>Flag accuracy by reason</caption><thead><tr><th scope="col">Reason</th><th scope="col">Upheld</th><th scope="col">Rejected</th><th scope="col">Open</th><th scope="col">Accuracy</th></tr></thead>
<tbody>${m.flaggers.map((f) => html`<tr><td>${f.reason}</td><td>${f.upheld}</td><td>${f.rejected}</td><td>${f.pending}</td><td>${pct(f.accuracy)}</td></tr>`)}</tbody></table>`,
  );
}
