import { slugify } from './slug.ts';

export type FieldType = 'integer' | 'number' | 'text' | 'select' | 'boolean';
export type FilterKind = 'range' | 'exact' | 'bool';

export interface FieldOption {
  value: string;
  label: string;
}

/** One structured attribute of an ad in a category (e.g. a car's year). */
export interface FieldDef {
  key: string;
  label: string;
  type: FieldType;
  options?: FieldOption[];
  /** Numeric bounds for integer/number; maximum length for text. */
  min?: number;
  max?: number;
  unit?: string;
  required?: boolean;
  /** How search can filter on the field; null means not filterable. */
  filter: FilterKind | null;
}

export type FieldValue = string | number | boolean;

export type FieldFilter =
  | { key: string; kind: 'range'; min?: number; max?: number }
  | { key: string; kind: 'exact'; value: string }
  | { key: string; kind: 'bool'; value: boolean };

/** Options from plain labels: value is the label slugged ("Like new" -> "like-new", "Škoda" -> "skoda"). */
export function options(...labels: string[]): FieldOption[] {
  return labels.map((label) => ({ value: slugify(label), label }));
}
