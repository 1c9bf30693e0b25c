/**
 * The screening hook backed by the screening engine (src/screening) with stores persisted in the
 * database (src/screening-store) and image hash banks. Maps the marketplace's ad to the engine's
 * input, and the engine's decision to the verdict kept with the ad.
 */
import type { Database } from '../db/client.ts';
import { PDQ_MIN_QUALITY } from '../screening/images/index.ts';
import { loadPolicy, type Policy, type PosterReputation, type ScreeningDecision, type ScreeningInput } from '../screening/index.ts';
import { HashBankStore } from '../screening-store/hash-banks.ts';
import { PersistedScreener } from '../screening-store/persisted-screener.ts';
import type { PolicyStore } from '../screening-store/policy-store.ts';
import { packagedEmbedder, type Embedder } from '../screening/semantic/embedder.ts';
import { DEFAULT_MODEL_PATH, loadSemanticModel } from '../screening/semantic/load.ts';
import type { SemanticModel } from '../screening/semantic/model.ts';
import { semanticText } from '../screening/semantic/text.ts';
import type { AdForScreening, AdScreener, ScreeningVerdict } from './screening-hook.ts';

const PUBLISHED = 'Your ad met our posting rules and is published.';
const FALLBACK: Record<'review' | 'reject', string> = {
  review: 'Your ad will be checked by a moderator before it goes live, usually within a day.',
  reject: 'Your ad was not published because it appears to break our posting rules. If you think this is a mistake, you can appeal.',
};
const HOUR = 3600_000;

export interface EngineScreenerOptions {
  database: Database;
  /** A fixed policy (CLI, benchmarks). Without it the screener follows `policies` (or the bundled policy). */
  policy?: Policy;
  /** The newest saved policy, re-checked every few seconds (src/screening-store/policy-store.ts). */
  policies?: PolicyStore;
  banks?: HashBankStore;
  /** Add screened ads to the entity index and template store (default true). */
  record?: boolean;
  /**
   * The semantic model and the sentence encoder it reads: the shipped model when omitted, the rules
   * alone when null (SCREENING_MODEL=off).
   */
  semantic?: SemanticScreening | null;
}

export interface SemanticScreening {
  model: SemanticModel;
  embedder: () => Promise<Embedder>;
}

const loaded = new Map<string, SemanticScreening | null>();

/**
 * The model at `path` (SCREENING_MODEL) with the packaged encoder, loaded once per process and path;
 * null for `null` (switched off) or before the shipped model is trained.
 */
export function semanticScreening(path: string | null = DEFAULT_MODEL_PATH): SemanticScreening | null {
  if (path === null) return null;
  if (!loaded.has(path)) {
    const model = loadSemanticModel(path);
    loaded.set(path, model ? { model, embedder: packagedEmbedder } : null);
  }
  return loaded.get(path)!;
}

/** The trained model shipped in policy/model/ with the packaged encoder, or null before one is trained. */
export function shippedSemantic(): SemanticScreening | null {
  return semanticScreening();
}

export class EngineScreener implements AdScreener {
  /** The engine over the policy last used (replaced when a newer saved policy appears). */
  engine: PersistedScreener;
  readonly banks: HashBankStore;
  private readonly record: boolean;
  private readonly semantic: SemanticScreening | null;

  constructor(private readonly opts: EngineScreenerOptions) {
    this.banks = opts.banks ?? new HashBankStore(opts.database);
    this.semantic = opts.semantic === undefined ? shippedSemantic() : opts.semantic;
    this.engine = new PersistedScreener(opts.database, opts.policy ?? loadPolicy(), this.banks, this.semantic?.model);
    this.record = opts.record ?? true;
  }

  /** The policy of the last screening (or the initial one); `screen` always checks for a newer saved one first. */
  get policy(): Policy {
    return this.engine.policy;
  }

  async screen(ad: AdForScreening): Promise<ScreeningVerdict> {
    if (!this.opts.policy && this.opts.policies) {
      const { policy } = await this.opts.policies.current();
      if (policy !== this.engine.policy) this.engine = new PersistedScreener(this.opts.database, policy, this.banks, this.semantic?.model);
    }
    const input = toEngineInput(ad);
    // The embedding (about 20–40 ms on one core) is computed while the first database round runs.
    const enrich = Promise.all([this.reputation(ad), this.embedding(input)]).then(([reputation, embedding]) => ({ ...reputation, ...embedding }));
    const decision = await this.engine.screen(input, { record: this.record, enrich });
    return toVerdict(decision);
  }

  private async embedding(input: ScreeningInput): Promise<Partial<ScreeningInput>> {
    const semantic = this.semantic;
    if (!semantic) return {};
    const [embedding] = await (await semantic.embedder()).embed([semanticText(input)]);
    return { embedding };
  }

  /** What the marketplace knows about the poster, by confirmed e-mail (there are no accounts yet). */
  private async reputation(ad: AdForScreening): Promise<Partial<ScreeningInput>> {
    const since = new Date(ad.postedAt.getTime() - 24 * HOUR);
    const [r] = await this.opts.database.query<{ removals: number; posts: number; cities: number }>(
      `select count(*) filter (where state = 'removed')::int as removals,
              count(*) filter (where created_at >= $3 and state not in ('unconfirmed', 'deleted'))::int as posts,
              count(distinct city_id) filter (where created_at >= $3 and state not in ('unconfirmed', 'deleted')
                                               and city_id <> (select city_id from ads where id = $2))::int as cities
         from ads where email = $1 and id <> $2`,
      [ad.email, ad.id, since],
    );
    const reputation: PosterReputation = {
      emailVerified: true, // ads are screened only after the poster confirmed the address
      priorRemovals: r?.removals ?? 0,
      postsLast24h: (r?.posts ?? 0) + 1,
      citiesLast24h: (r?.cities ?? 0) + 1,
    };
    return { reputation };
  }
}

export function toEngineInput(ad: AdForScreening): ScreeningInput {
  // Only hashes of usable quality: flat or tiny images hash alike and would link unrelated ads.
  const imageHashes = ad.imageHashes.filter((h) => h.pdq && (h.pdqQuality ?? 0) >= PDQ_MIN_QUALITY).map((h) => h.pdq!);
  return {
    id: String(ad.id),
    title: ad.title,
    body: ad.body,
    category: ad.categoryGroup,
    city: ad.citySlug,
    country: ad.countryCode,
    price: ad.price,
    contact: { ...(ad.phone ? { phone: ad.phone } : {}), email: ad.email },
    imageHashes,
    ...(ad.ip ? { ip: ad.ip } : {}),
    postedAt: ad.postedAt,
  };
}

export function toVerdict(d: ScreeningDecision & { rounds?: number }): ScreeningVerdict {
  const statement = d.decision === 'publish' ? PUBLISHED : (d.statementOfReasons ?? FALLBACK[d.decision]);
  return {
    decision: d.decision,
    score: d.score,
    labels: [...d.labels],
    reasons: d.reasons.map((r) => ({ rule: r.rule, label: r.label, evidence: r.evidence.text })),
    statement,
    group: d.group,
    details: {
      linked: d.linked,
      groupSize: d.groupSize,
      scores: d.scores,
      dsaCategory: d.dsaCategory,
      priority: d.priority,
      escalate: d.escalate,
      transformations: d.obfuscation,
      policyVersion: d.policyVersion,
      modelVersion: d.modelVersion,
    },
  };
}
