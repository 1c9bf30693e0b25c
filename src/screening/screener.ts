/**
 * The screener: wires analysis, signals, stores and decision together.
 * `screen` is synchronous and read-only; `record` adds a screened ad to the entity index and the
 * template store so later ads are screened against it. `screenAndRecord` does both.
 */
import { analyseText } from './analyse.ts';
import { applyReputation, decide, labelScores, type Thresholds } from './decide.ts';
import { adFeatures, type AdFeatures } from './semantic/features.ts';
import { judge } from './semantic/judge.ts';
import { defaultFamilies, type Families } from './families/families.ts';
import { familyReasons, findFamilies } from './families/match.ts';
import type { SemanticModel } from './semantic/model.ts';
import { InMemoryEntityIndex, type AdFacts, type EntityIndex, type EntityRef } from './entities/entity-index.ts';
import { findTemplate, recordTemplate, type TemplateMatch } from './templates/grouper.ts';
import { templateWords } from './templates/minhash.ts';
import { InMemoryTemplateStore, type TemplateStore } from './templates/template-store.ts';
import { evasionReasons, networkFacts, networkReasons, ruleReasons, structureReasons } from './signals.ts';
import { imageReasons } from './images-input.ts';
import { normalisePhoneField } from './contacts/phones.ts';
import type { Policy } from './policy/compile.ts';
import { LABELS, type ImageMatcher, type Label, type ScreeningDecision, type ScreeningInput } from './types.ts';

export interface ScreenerOptions {
  policy: Policy;
  entities?: EntityIndex;
  templates?: TemplateStore;
  imageMatcher?: ImageMatcher;
  /** Per-label classifiers over the ad's embedding and facts; ads screened without an embedding use the rules alone. */
  model?: SemanticModel;
  /** Indicator families (policy/families.yaml unless given). */
  families?: Families;
  /** Receives every screened ad's model inputs: how `corkboard screening train` collects them. */
  featureSink?: (ad: ScreeningInput, features: AdFeatures) => void;
}

export interface Screener {
  screen(ad: ScreeningInput): ScreeningDecision;
  record(ad: ScreeningInput): void;
  screenAndRecord(ad: ScreeningInput): ScreeningDecision;
  readonly entities: EntityIndex;
  readonly templates: TemplateStore;
}

interface Prepared {
  facts: AdFacts;
  entities: EntityRef[];
  template: TemplateMatch;
}

export function createScreener(opts: ScreenerOptions): Screener {
  const { policy, imageMatcher } = opts;
  const entities = opts.entities ?? new InMemoryEntityIndex();
  const families = opts.families ?? defaultFamilies();
  const templates = opts.templates ?? new InMemoryTemplateStore();
  const windowDays = policy.spec.signals.contact_spread.window_days;
  // The last screened ad's derived data, so record() right after screen() does not redo the work.
  let last: { ad: ScreeningInput; prepared: Prepared } | null = null;

  const screen = (ad: ScreeningInput): ScreeningDecision => {
    const text = analyseText(ad, policy);
    const facts: AdFacts = { adId: ad.id, city: ad.city, postedAt: ad.postedAt ?? new Date() };
    const refs: EntityRef[] = text.contacts.map((c) => ({ kind: c.kind, value: c.value }));
    const fieldPhone = ad.contact?.phone ? normalisePhoneField(ad.contact.phone, ad.country) : null;
    if (fieldPhone) refs.push({ kind: 'phone', value: fieldPhone });
    if (ad.contact?.email) refs.push({ kind: 'email', value: ad.contact.email.trim().toLowerCase() });
    for (const h of ad.imageHashes ?? []) refs.push({ kind: 'image', value: h.toLowerCase() });
    if (ad.ip) refs.push({ kind: 'ip', value: ad.ip });
    if (ad.poster) refs.push({ kind: 'account', value: ad.poster });
    const unique = [...new Map(refs.map((r) => [`${r.kind}:${r.value}`, r])).values()];

    const template = findTemplate(templates, ad.id, templateWords(text.tokens));
    const reasons = ruleReasons(text);
    const evasion = evasionReasons(text, policy);
    const textLabels = new Set<Label>(text.matches.map((m) => m.rule.label));
    const net = networkFacts(unique, facts, template.groupId, template.joined, entities, templates, windowDays);
    const images = imageReasons(ad, imageMatcher);
    for (const r of images.reasons) textLabels.add(r.label);
    const familyHits = findFamilies(families, text);
    // Family combinations carry weight where the semantic model reads the rules' scores (screening
    // with a model, and training it); with the rules alone they are evidence only, so the policy's
    // tuned thresholds keep their meaning.
    const judged = opts.model !== undefined || opts.featureSink !== undefined;
    reasons.push(...familyReasons(families, familyHits, text).map((r) => (judged ? r : { ...r, weight: 0 })));
    reasons.push(...evasion.reasons, ...structureReasons(ad, text, policy), ...networkReasons(net, text, textLabels, policy), ...images.reasons);

    let scores = labelScores(reasons);
    applyReputation(scores, ad.reputation, policy);
    let thresholds: Thresholds | undefined;
    let modelVersion: string | null = null;
    if (opts.model || opts.featureSink) {
      const embedding = ad.embedding ? Float32Array.from(ad.embedding) : null;
      const features = adFeatures({ analysis: text, ruleScores: scores, evasionUsed: evasion.used, category: ad.category, price: ad.price, groupSize: net.group?.size ?? 1, families: familyHits }, embedding);
      opts.featureSink?.(ad, features);
      if (opts.model && embedding) {
        const judged = judge(opts.model, features, text);
        scores = judged.scores;
        // A hash-bank match is known material, not a matter of wording: it keeps its own weight.
        for (const [l, v] of Object.entries(labelScores(images.reasons)) as [Label, number][]) scores[l] = Math.max(scores[l] ?? 0, v);
        reasons.push(...judged.reasons);
        thresholds = judged.thresholds;
        modelVersion = opts.model.version;
      }
    }
    const verdict = decide(scores, reasons, policy, images.forced, thresholds);
    last = { ad, prepared: { facts, entities: unique, template } };
    const rounded: Partial<Record<Label, number>> = {};
    for (const l of LABELS) if (scores[l] !== undefined) rounded[l] = Math.round(scores[l]! * 1000) / 1000;
    return {
      id: ad.id,
      decision: verdict.decision,
      score: verdict.score,
      labels: verdict.labels,
      scores: rounded,
      reasons,
      group: net.group ? net.group.id : null,
      groupSize: net.group?.size ?? 1,
      linked: net.linked,
      obfuscation: evasion.used,
      dsaCategory: verdict.dsaCategory,
      priority: verdict.priority,
      escalate: verdict.escalate,
      statementOfReasons: verdict.statement,
      policyVersion: policy.version,
      modelVersion,
      entities: unique,
    };
  };

  const record = (ad: ScreeningInput): void => {
    if (last?.ad !== ad) screen(ad);
    const { facts, entities: refs, template } = last!.prepared;
    entities.link(facts, refs);
    recordTemplate(templates, ad.id, template);
    last = null;
  };

  return {
    screen,
    record,
    screenAndRecord(ad) {
      const decision = screen(ad);
      record(ad);
      return decision;
    },
    entities,
    templates,
  };
}
