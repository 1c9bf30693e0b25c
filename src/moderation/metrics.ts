/**
 * Moderation figures for the staff metrics page and the Prometheus endpoint, computed with SQL over
 * the existing tables: open queue per priority (with overdue), median time from queueing to decision
 * per priority, decisions per label, automated versus human restrictions, flagger accuracy, and
 * appeals with the share of decided appeals that reversed the decision (from the appeals table).
 */
import type { OutboxCounts } from '../mail/mail-outbox.repository.ts';
import type { Database } from '../db/client.ts';
import { PRIORITY_NAMES, SLA_HOURS } from './policy.ts';

export interface ModerationMetrics {
  queue: { priority: number; open: number; overdue: number }[];
  /** Median seconds from the item's creation to its decision, per priority (decided and escalated items). */
  timeToDecision: { priority: number; decided: number; medianSeconds: number }[];
  decisionsByLabel: { label: string; decision: string; count: number }[];
  /** Restrictive actions (hold, reject, remove) by automated screening or flags versus moderators. */
  automation: { automated: number; human: number };
  flaggers: { reason: string; upheld: number; rejected: number; pending: number; accuracy: number | null }[];
  /** Appeals by state; reversalRate = reversed / (upheld + reversed), null before any is decided. */
  appeals: { open: number; upheld: number; reversed: number; reversalRate: number | null };
}

export async function moderationMetrics(database: Database, now: Date): Promise<ModerationMetrics> {
  const q = database.query.bind(database);
  const queueRows = await q<{ priority: number; open: number; overdue: number }>(
    `select priority, count(*)::int as open, (count(*) filter (where sla_due_at < $1))::int as overdue
       from review_items where state = 'open' group by priority order by priority`,
    [now],
  );
  const byPriority = new Map(queueRows.map((r) => [Number(r.priority), r]));
  const queue = SLA_HOURS.map((_h, priority) => ({ priority, open: Number(byPriority.get(priority)?.open ?? 0), overdue: Number(byPriority.get(priority)?.overdue ?? 0) }));

  const ttd = await q<{ priority: number; decided: number; median: number }>(
    `select priority, count(*)::int as decided,
            percentile_cont(0.5) within group (order by extract(epoch from decided_at - created_at))::float8 as median
       from review_items where decided_at is not null group by priority order by priority`,
  );
  const byLabel = await q<{ label: string; decision: string; count: number }>(
    `select coalesce(label, 'none') as label, coalesce(decision, state) as decision, count(*)::int as count
       from review_items where state <> 'open' group by 1, 2 order by 1, 2`,
  );
  const auto = await q<{ automated: boolean; count: number }>(
    `select automated, count(*)::int as count from ad_events
      where (automated and to_state in ('held', 'rejected', 'removed') and from_state is distinct from to_state)
         or (not automated and kind like 'moderator%')
      group by automated`,
  );
  const flagRows = await q<{ reason: string; upheld: number; rejected: number; pending: number }>(
    `select reason, (count(*) filter (where outcome = 'upheld'))::int as upheld,
            (count(*) filter (where outcome = 'rejected'))::int as rejected,
            (count(*) filter (where outcome is null))::int as pending
       from flags group by reason order by reason`,
  );
  const appealRows = await q<{ state: string; count: number }>(`select state, count(*)::int as count from appeals group by state`);
  const appealCount = (state: string) => Number(appealRows.find((r) => r.state === state)?.count ?? 0);
  const appeals = { open: appealCount('open'), upheld: appealCount('upheld'), reversed: appealCount('reversed'), reversalRate: null as number | null };
  if (appeals.upheld + appeals.reversed > 0) appeals.reversalRate = appeals.reversed / (appeals.upheld + appeals.reversed);
  return {
    appeals,
    queue,
    timeToDecision: ttd.map((r) => ({ priority: Number(r.priority), decided: Number(r.decided), medianSeconds: Number(r.median) })),
    decisionsByLabel: byLabel.map((r) => ({ label: r.label, decision: r.decision, count: Number(r.count) })),
    automation: {
      automated: Number(auto.find((r) => r.automated === true)?.count ?? 0),
      human: Number(auto.find((r) => r.automated === false)?.count ?? 0),
    },
    flaggers: flagRows.map((r) => {
      const upheld = Number(r.upheld);
      const rejected = Number(r.rejected);
      return { reason: r.reason, upheld, rejected, pending: Number(r.pending), accuracy: upheld + rejected > 0 ? upheld / (upheld + rejected) : null };
    }),
  };
}

const PRIORITY_KEYS = ['child_safety', 'trafficking', 'illegal', 'terms'] as const;
const priorityKey = (p: number) => PRIORITY_KEYS[p] ?? String(p);
export const priorityName = (p: number) => PRIORITY_NAMES[p] ?? `Priority ${p}`;

/** A Prometheus label value: backslash, double quote and newline escaped. */
export function promLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function promNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  return String(n);
}

/** Prometheus text exposition format 0.0.4; with `mail`, the mail outbox's counts too (alert on given-up mail). */
export function toPrometheus(m: ModerationMetrics, mail?: OutboxCounts): string {
  const out: string[] = [];
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: { labels: Record<string, string>; value: number }[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${promLabel(v)}"`).join(',');
      out.push(`${name}${labels ? `{${labels}}` : ''} ${promNumber(s.value)}`);
    }
  };
  const pl = (priority: number) => ({ priority: String(priority), queue: priorityKey(priority) });
  metric('corkboard_review_queue_open', 'gauge', 'Open review items by priority.', m.queue.map((q) => ({ labels: pl(q.priority), value: q.open })));
  metric('corkboard_review_queue_overdue', 'gauge', 'Open review items past their SLA target, by priority.', m.queue.map((q) => ({ labels: pl(q.priority), value: q.overdue })));
  metric(
    'corkboard_review_time_to_decision_median_seconds',
    'gauge',
    'Median seconds from queueing to decision, by priority.',
    m.timeToDecision.map((t) => ({ labels: pl(t.priority), value: t.medianSeconds })),
  );
  metric('corkboard_review_decided_total', 'counter', 'Review items decided or escalated, by priority.', m.timeToDecision.map((t) => ({ labels: pl(t.priority), value: t.decided })));
  metric('corkboard_review_decisions_total', 'counter', 'Review items closed, by label and decision.', m.decisionsByLabel.map((d) => ({ labels: { label: d.label, decision: d.decision }, value: d.count })));
  metric('corkboard_moderation_actions_total', 'counter', 'Restrictive actions and moderator decisions on ads, automated or human.', [
    { labels: { by: 'automated' }, value: m.automation.automated },
    { labels: { by: 'human' }, value: m.automation.human },
  ]);
  metric(
    'corkboard_flags_total',
    'counter',
    'Flags by reason and outcome.',
    m.flaggers.flatMap((f) => [
      { labels: { reason: f.reason, outcome: 'upheld' }, value: f.upheld },
      { labels: { reason: f.reason, outcome: 'rejected' }, value: f.rejected },
      { labels: { reason: f.reason, outcome: 'pending' }, value: f.pending },
    ]),
  );
  metric(
    'corkboard_flag_accuracy_ratio',
    'gauge',
    'Share of decided flags that moderators upheld, by reason.',
    m.flaggers.filter((f) => f.accuracy !== null).map((f) => ({ labels: { reason: f.reason }, value: f.accuracy! })),
  );
  metric('corkboard_appeals_total', 'counter', 'Appeals against statements of reasons, by state.', [
    { labels: { state: 'open' }, value: m.appeals.open },
    { labels: { state: 'upheld' }, value: m.appeals.upheld },
    { labels: { state: 'reversed' }, value: m.appeals.reversed },
  ]);
  if (m.appeals.reversalRate !== null) {
    metric('corkboard_appeal_reversal_ratio', 'gauge', 'Share of decided appeals that reversed the decision.', [{ labels: {}, value: m.appeals.reversalRate }]);
  }
  if (mail) {
    metric('corkboard_mail_outbox_pending', 'gauge', 'Outbox mails (statements of reasons, receipts, outcomes) waiting to be sent.', [{ labels: {}, value: mail.pending }]);
    metric('corkboard_mail_outbox_failing', 'gauge', 'Outbox mails waiting to be sent that failed at least once.', [{ labels: {}, value: mail.failing }]);
    metric('corkboard_mail_outbox_given_up', 'gauge', 'Outbox mails given up after failing for days; an admin can retry them on /staff/admin/mail.', [{ labels: {}, value: mail.givenUp }]);
  }
  return `${out.join('\n')}\n`;
}
