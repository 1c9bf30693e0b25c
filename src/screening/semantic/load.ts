/** Reads the trained semantic model file (policy/model/semantic.json by default), if there is one. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultFamilies, type Families } from '../families/families.ts';
import { metaNames } from './features.ts';
import { parseModel, type SemanticModel } from './model.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../../policy/model/semantic.json', import.meta.url));

/**
 * The model at `path`, or null when the shipped model has not been trained; a model file named
 * explicitly (SCREENING_MODEL, --model) that is missing or broken throws.
 */
export function loadSemanticModel(path = DEFAULT_MODEL_PATH, families: Families = defaultFamilies()): SemanticModel | null {
  if (!existsSync(path)) {
    if (path === DEFAULT_MODEL_PATH) return null;
    throw new Error(`no semantic model at ${path}`);
  }
  return parseModel(readFileSync(path, 'utf8'), metaNames(families));
}
