/**
 * Signals beyond single phrases: evasion, obscured phones, contacts and templates spread across
 * cities, link spam, shouting, repetition and posting velocity. Each becomes a weighted reason just
 * like a rule match, with weights and thresholds taken from the policy file.
 */
import { F, flagNames } from './normalise/index.ts';
import { evidenceFor, type TextAnalysis } from './analyse.ts';
import type { Policy } from './policy/compile.ts';
import type { EntityIndex, EntityRef, AdFacts } from './entities/entity-index.ts';
import type { TemplateStore } from './templates/template-store.ts';
import type { Label, Reason, ScreeningInput } from './types.ts';

/** Leet, look-alikes, split letters, invisible characters: not emoji, which is mostly style. */
const EVASION = F.LEET | F.CONFUSABLE | F.COMPAT | F.SPACED | F.INVISIBLE | F.STRETCH;

export function ruleReasons(a: TextAnalysis): Reason[] {
  const out: Reason[] = [];
  for (const m of a.matches) {
    for (const hit of m.hits.slice(0, 3)) out.push({ rule: m.rule.id, label: m.rule.label, weight: m.rule.weight, evidence: evidenceFor(a, hit.first, hit.last) });
  }
  return out;
}

export function evasionReasons(a: TextAnalysis, policy: Policy): { reasons: Reason[]; used: string[] } {
  const reasons: Reason[] = [];
  const used = new Set<string>();
  const labels = new Set<Label>();
  for (const m of a.matches) {
    for (const name of flagNames(m.flags)) used.add(name);
    if ((m.flags & EVASION) === 0 || labels.has(m.rule.label)) continue;
    labels.add(m.rule.label);
    const hit = m.hits[0];
    reasons.push({ rule: 'signal.evasion', label: m.rule.label, weight: policy.spec.signals.evasion.weight, evidence: evidenceFor(a, hit.first, hit.last) });
  }
  if (a.contacts.some((c) => c.kind === 'phone' && c.obscured)) used.add('obscured_phone');
  return { reasons, used: [...used] };
}

export function structureReasons(ad: ScreeningInput, a: TextAnalysis, policy: Policy): Reason[] {
  const s = policy.spec.signals;
  const out: Reason[] = [];
  const whole = (field: 'title' | 'body', text: string) => ({ field, text: text.slice(0, 80), start: 0, end: text.length });
  const links = a.tokens.filter((t) => t.special === 'url').length;
  if (links > s.links.max_links) out.push({ rule: 'signal.links', label: s.links.label, weight: s.links.weight, evidence: whole('body', ad.body) });
  const text = `${ad.title} ${ad.body}`;
  let letters = 0;
  let upper = 0;
  for (let i = 0; i < text.length && i < 20_000; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
  }
  if (letters >= s.shouting.min_letters && upper / letters >= s.shouting.upper_ratio) {
    out.push({ rule: 'signal.shouting', label: s.shouting.label, weight: s.shouting.weight, evidence: whole('title', ad.title) });
  }
  const words = a.tokens.filter((t) => !t.numeric).map((t) => t.forms[0]);
  if (words.length >= s.repetition.min_tokens && new Set(words).size / words.length <= s.repetition.max_unique_ratio) {
    out.push({ rule: 'signal.repetition', label: s.repetition.label, weight: s.repetition.weight, evidence: whole('body', ad.body) });
  }
  const cities = ad.reputation?.citiesLast24h ?? 0;
  if (cities >= s.velocity.min_cities_24h) {
    out.push({ rule: 'signal.velocity', label: s.velocity.label, weight: s.velocity.weight, evidence: { field: 'reputation', text: `${cities} cities in 24h`, start: 0, end: 0 } });
  }
  return out;
}

export interface NetworkFacts {
  linked: Partial<Record<EntityRef['kind'], number>>;
  maxContactCities: number;
  group: { id: string; size: number; cities: number; phones: number } | null;
}

/** Looks the ad's entities and template group up in the stores (read-only). */
export function networkFacts(entities: readonly EntityRef[], facts: AdFacts, groupId: string | null, joined: boolean, index: EntityIndex | undefined, templates: TemplateStore | undefined, windowDays: number): NetworkFacts {
  const linked: NetworkFacts['linked'] = {};
  let maxContactCities = 0;
  if (index) {
    for (const e of entities) {
      const st = index.stats(e, facts, windowDays);
      linked[e.kind] = Math.max(linked[e.kind] ?? 0, st.ads);
      if ((e.kind === 'phone' || e.kind === 'email' || e.kind === 'handle') && st.ads > 0) maxContactCities = Math.max(maxContactCities, st.cities);
    }
  }
  let group: NetworkFacts['group'] = null;
  if (templates && groupId && joined) {
    const members = templates.groupMembers(groupId, 200);
    const cities = new Set<string>(facts.city ? [facts.city.toLowerCase()] : []);
    const phones = new Set<string>(entities.filter((e) => e.kind === 'phone').map((e) => e.value));
    for (const m of members) {
      const info = index?.adInfo(m);
      if (info?.facts.city) cities.add(info.facts.city.toLowerCase());
      for (const e of info?.entities ?? []) if (e.kind === 'phone') phones.add(e.value);
    }
    group = { id: groupId, size: templates.groupSize(groupId) + 1, cities: cities.size, phones: phones.size };
  }
  return { linked, maxContactCities, group };
}

export function networkReasons(n: NetworkFacts, a: TextAnalysis, textLabels: ReadonlySet<Label>, policy: Policy): Reason[] {
  const s = policy.spec.signals;
  const out: Reason[] = [];
  const phone = a.contacts.find((c) => c.kind === 'phone' && c.obscured);
  if (phone && textLabels.has(s.obscured_phone.requires_label)) {
    out.push({ rule: 'signal.obscured_phone', label: s.obscured_phone.label, weight: s.obscured_phone.weight, evidence: phone.evidence });
  }
  const netEvidence = (text: string) => ({ field: 'entities' as const, text, start: 0, end: 0 });
  if (n.maxContactCities >= s.contact_spread.min_cities && textLabels.has(s.contact_spread.requires_label)) {
    out.push({ rule: 'signal.contact_spread', label: s.contact_spread.label, weight: s.contact_spread.weight, evidence: netEvidence(`contact used in ${n.maxContactCities} cities`) });
  }
  const g = n.group;
  const groupSpread = g !== null && (g.cities >= s.template_spread.min_cities || g.phones >= s.template_spread.min_phones);
  if (g && groupSpread && textLabels.has(s.template_spread.requires_label)) {
    out.push({ rule: 'signal.template_spread', label: s.template_spread.label, weight: s.template_spread.weight, evidence: { field: 'template', text: `template in ${g.cities} cities with ${g.phones} phones`, start: 0, end: 0 } });
  }
  // Overposting is one contact across many cities. Similar wording alone is not: thousands of
  // honest posters describe the same phone or sofa the same way.
  const spread = n.maxContactCities;
  if (textLabels.size === 0 && spread >= s.cross_posting.min_cities) {
    out.push({ rule: 'signal.cross_posting', label: s.cross_posting.label, weight: s.cross_posting.weight, evidence: netEvidence(`same contact in ${spread} cities`) });
  }
  return out;
}
