/**
 * What an edited policy would do to the live site before it is saved: screens the newest `limit`
 * published ads with the current and with the edited policy's text rules (the pure engine with empty
 * stores: no entity, template or image signals, which do not depend on the policy's rules) and
 * reports how many would be hit (held for review or rejected) under each, and which rules and labels
 * changed, with example ads.
 */
import type { Database } from '../db/client.ts';
import { createScreener, InMemoryEntityIndex, InMemoryTemplateStore, type Policy, type ScreeningDecision } from '../screening/index.ts';

export const PREVIEW_LIMIT = 20_000;
const EXAMPLES = 10;

export interface PreviewExample {
  id: number;
  title: string;
  url: string;
}

export interface PreviewChange {
  /** A rule id (or `signal.…`) or a label. */
  key: string;
  kind: 'rule' | 'label';
  current: number;
  edited: number;
  /** Ads matched under the edited policy but not the current one (or the reverse when `edited < current`). */
  examples: PreviewExample[];
}

export interface PolicyPreview {
  liveAds: number;
  screened: number;
  /** Fewer than all live ads were screened: the newest `screened` of them. */
  sampled: boolean;
  current: { version: string; review: number; reject: number };
  edited: { version: string; review: number; reject: number };
  /** Ads published under the current policy that the edited one would hit, and the reverse. */
  newlyHit: number;
  noLongerHit: number;
  newlyHitExamples: PreviewExample[];
  changes: PreviewChange[];
}

interface LiveAdRow {
  id: number;
  title: string;
  body: string;
  price: number | null;
  category: string;
  city: string;
  country: string;
}

const hit = (d: ScreeningDecision) => d.decision !== 'publish';

export async function previewPolicy(database: Database, current: Policy, edited: Policy, opts: { limit?: number; adUrl: (ad: { id: number; title: string; city: string; category: string }) => string }): Promise<PolicyPreview> {
  const limit = opts.limit ?? PREVIEW_LIMIT;
  const [[count], rows] = await Promise.all([
    database.query<{ n: number }>(`select count(*)::int as n from ads where state = 'published'`),
    database.query<LiveAdRow>(
      `select a.id, a.title, a.body, a.price, c.slug as category, ci.slug as city, ci.country_code as country
         from ads a join categories c on c.id = a.category_id join cities ci on ci.id = a.city_id
        where a.state = 'published' order by a.id desc limit $1`,
      [limit],
    ),
  ]);
  const screeners = [current, edited].map((policy) => createScreener({ policy, entities: new InMemoryEntityIndex(), templates: new InMemoryTemplateStore() }));
  const totals = [
    { version: current.version, review: 0, reject: 0 },
    { version: edited.version, review: 0, reject: 0 },
  ];
  const counts = new Map<string, { kind: 'rule' | 'label'; n: [number, number]; gained: PreviewExample[]; lost: PreviewExample[] }>();
  const bump = (key: string, kind: 'rule' | 'label', side: 0 | 1) => {
    let c = counts.get(`${kind}:${key}`);
    if (!c) counts.set(`${kind}:${key}`, (c = { kind, n: [0, 0], gained: [], lost: [] }));
    c.n[side]++;
    return c;
  };
  let newlyHit = 0;
  let noLongerHit = 0;
  const newlyHitExamples: PreviewExample[] = [];
  for (const [i, row] of rows.entries()) {
    // Yield now and then: a preview of 20,000 ads takes seconds, and other requests must not wait for it.
    if (i % 250 === 249) await new Promise((r) => setImmediate(r));
    const input = { id: String(row.id), title: row.title, body: row.body, category: row.category, city: row.city, country: row.country, price: row.price };
    const [a, b] = screeners.map((s) => s.screen(input)) as [ScreeningDecision, ScreeningDecision];
    const example = (): PreviewExample => ({ id: Number(row.id), title: row.title, url: opts.adUrl({ id: Number(row.id), title: row.title, city: row.city, category: row.category }) });
    for (const [side, d] of [a, b].entries()) {
      if (d.decision === 'review') totals[side]!.review++;
      if (d.decision === 'reject') totals[side]!.reject++;
    }
    if (!hit(a) && hit(b)) {
      newlyHit++;
      if (newlyHitExamples.length < EXAMPLES) newlyHitExamples.push(example());
    }
    if (hit(a) && !hit(b)) noLongerHit++;
    const keysOf = (d: ScreeningDecision) => ({ rule: new Set(d.reasons.map((r) => r.rule)), label: new Set<string>(d.labels) });
    const [ka, kb] = [keysOf(a), keysOf(b)];
    for (const kind of ['rule', 'label'] as const) {
      for (const key of ka[kind]) {
        const c = bump(key, kind, 0);
        if (!kb[kind].has(key) && c.lost.length < EXAMPLES) c.lost.push(example());
      }
      for (const key of kb[kind]) {
        const c = bump(key, kind, 1);
        if (!ka[kind].has(key) && c.gained.length < EXAMPLES) c.gained.push(example());
      }
    }
  }
  const changes: PreviewChange[] = [...counts.entries()]
    .filter(([, c]) => c.gained.length > 0 || c.lost.length > 0)
    .map(([k, c]) => ({ key: k.slice(k.indexOf(':') + 1), kind: c.kind, current: c.n[0], edited: c.n[1], examples: c.gained.length > 0 ? c.gained : c.lost }))
    .sort((x, y) => (x.kind === y.kind ? Math.abs(y.edited - y.current) - Math.abs(x.edited - x.current) || x.key.localeCompare(y.key) : x.kind === 'label' ? -1 : 1));
  return {
    liveAds: Number(count?.n ?? 0),
    screened: rows.length,
    sampled: rows.length < Number(count?.n ?? 0),
    current: totals[0]!,
    edited: totals[1]!,
    newlyHit,
    noLongerHit,
    newlyHitExamples,
    changes,
  };
}
