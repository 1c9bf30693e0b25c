/** Public API of the screening engine. See docs/screening.md. */
export { createScreener, type Screener, type ScreenerOptions } from './screener.ts';
export { loadPolicy, parsePolicy, policyFromObject, PolicyError, DEFAULT_POLICY_PATH } from './policy/load.ts';
export type { Policy } from './policy/compile.ts';
export { reviewPriority } from './decide.ts';
export { normaliseText, canonical } from './normalise/index.ts';
export { InMemoryEntityIndex, type EntityIndex, type EntityRef, type AdFacts, type EntityStats } from './entities/entity-index.ts';
export { InMemoryTemplateStore, type TemplateStore } from './templates/template-store.ts';
export * from './types.ts';
