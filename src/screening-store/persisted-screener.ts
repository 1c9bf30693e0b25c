/**
 * The screening engine over persisted stores. The engine's `screen()` is synchronous, so each call
 * gets a fresh `PrefetchView`: screen, load what was missing, screen again (see prefetch-view.ts).
 * `record` writes the ad's entity links and template signature back in one transaction.
 */
import type { Database } from '../db/client.ts';
import { createScreener, type Policy, type ScreeningDecision, type ScreeningInput } from '../screening/index.ts';
import type { SemanticModel } from '../screening/semantic/model.ts';
import { DbScreeningStore } from './db-store.ts';
import type { HashBankStore } from './hash-banks.ts';
import { PrefetchView } from './prefetch-view.ts';

/** Load rounds before giving up on completeness (2 are enough for the current engine; 3 with a template group). */
const MAX_ROUNDS = 5;

export interface ScreenOptions {
  /** Add the ad to the entity index and template store (new, edited and renewed ads; not rescans). */
  record: boolean;
  /** Extra input (e.g. poster reputation) loaded concurrently with the first database round. */
  enrich?: Promise<Partial<ScreeningInput>>;
}

export interface ScreenStats {
  rounds: number;
}

export class PersistedScreener {
  readonly store: DbScreeningStore;

  constructor(
    readonly database: Database,
    readonly policy: Policy,
    readonly banks?: HashBankStore,
    /** Judges with the rules when the input carries an embedding (see EngineScreener). */
    readonly model?: SemanticModel,
  ) {
    this.store = new DbScreeningStore(database);
  }

  async screen(input: ScreeningInput, opts: ScreenOptions): Promise<ScreeningDecision & { rounds: number }> {
    const view = new PrefetchView();
    const imageMatcher = this.banks && input.imageHashes?.length ? await this.banks.matcher() : undefined;
    const screener = createScreener({ policy: this.policy, entities: view, templates: view, imageMatcher, model: this.model });
    let ad = input;
    let decision = screener.screen(ad);
    let rounds = 0;
    let enrich = opts.enrich;
    while ((view.hasMisses() || enrich) && rounds < MAX_ROUNDS) {
      const [extra] = await Promise.all([enrich, this.store.load(view, view.takeMisses())]);
      if (extra) ad = { ...ad, ...extra };
      enrich = undefined;
      rounds++;
      decision = screener.screen(ad);
    }
    if (opts.record) {
      // recordTemplate asks whether the ad has a signature already; the view says no (a miss) and
      // flush() leaves an existing signature, group and buckets alone in the database.
      screener.record(ad);
      await this.store.flush(view);
    }
    return Object.assign(decision, { rounds });
  }
}
