// zod schemas for category fields. Input comes from HTML forms (strings; "" means
// absent; checkboxes send "on") but typed values are accepted too, so seed data
// and JSON APIs go through the same rules.
import { z } from 'zod';
import type { FieldDef } from './field-def.ts';

const TRUE_WORDS = new Set(['on', 'true', '1', 'yes']);
const FALSE_WORDS = new Set(['off', 'false', '0', 'no']);

/** Blank form values are treated as not given. */
export function blankToUndefined(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

/** "12,500" and " 3.5 " are numbers; anything else is left for zod to reject. */
function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const compact = value.trim().replace(/[,\s_]/g, '');
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(compact) ? Number(compact) : value;
}

export function toBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

export function rangeMessage(field: FieldDef): string {
  const unit = field.unit ? ` ${field.unit}` : '';
  if (field.min !== undefined && field.max !== undefined) return `${field.label} must be between ${field.min} and ${field.max}${unit}`;
  if (field.min !== undefined) return `${field.label} must be at least ${field.min}${unit}`;
  return `${field.label} must be at most ${field.max}${unit}`;
}

function numberSchema(field: FieldDef): z.ZodType<number> {
  const integer = field.type === 'integer';
  let schema = z.number({ error: `${field.label} must be ${integer ? 'a whole number' : 'a number'}` });
  if (integer) schema = schema.int({ error: `${field.label} must be a whole number` });
  if (field.min !== undefined) schema = schema.min(field.min, { error: rangeMessage(field) });
  if (field.max !== undefined) schema = schema.max(field.max, { error: rangeMessage(field) });
  return z.preprocess(toNumber, schema);
}

function selectSchema(field: FieldDef): z.ZodType<string> {
  const values = (field.options ?? []).map((option) => option.value);
  const labels = (field.options ?? []).map((option) => option.label).join(', ');
  return z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : value),
    z.string().refine((value) => values.includes(value), { error: `${field.label} must be one of: ${labels}` }),
  );
}

function textSchema(field: FieldDef): z.ZodType<string> {
  const max = field.max ?? 200;
  return z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value),
    z.string({ error: `${field.label} must be text` }).max(max, { error: `${field.label} must be at most ${max} characters` }),
  );
}

/** Schema for one field's value; absent values are handled by the caller. */
export function valueSchema(field: FieldDef): z.ZodType<string | number | boolean> {
  switch (field.type) {
    case 'integer':
    case 'number':
      return numberSchema(field);
    case 'select':
      return selectSchema(field);
    case 'text':
      return textSchema(field);
    case 'boolean':
      return z.preprocess(toBoolean, z.boolean({ error: `${field.label} must be yes or no` }));
  }
}
