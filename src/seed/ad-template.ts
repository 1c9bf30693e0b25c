import type { FieldValue } from '../catalog/field-def.ts';
import type { Random } from './random.ts';

/** What a category template produces; demo-ads.ts adds city, poster, dates and closing sentences. */
export interface AdDraft {
  title: string;
  /** 1-3 sentences about the thing itself. */
  sentences: string[];
  /** Price in US dollars before local scaling, or null for no price. */
  usd: number | null;
  fields: Record<string, FieldValue>;
}

export interface TemplateContext {
  random: Random;
  cityName: string;
  neighbourhood: string | null;
}

export type AdTemplate = (context: TemplateContext) => AdDraft;

/** Picks `count` distinct items (count is clamped to the list length). */
export function pickSome<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) picked.push(pool.splice(random.int(0, pool.length - 1), 1)[0]);
  return picked;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "near Riverside" or "" when the ad has no neighbourhood. */
export function near(context: TemplateContext): string {
  return context.neighbourhood ? ` in ${context.neighbourhood}` : '';
}
