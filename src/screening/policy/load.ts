/** Loads and validates a policy file; errors name the exact path in the YAML and what is wrong. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { policySchema, type PolicySpec } from './schema.ts';
import { compilePolicy, PolicyError, type Policy } from './compile.ts';

export { PolicyError };

export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../../policy/default.yaml', import.meta.url));

function formatPath(path: readonly PropertyKey[], doc: unknown): string {
  // "rules[3] (id: ss.menu).patterns[0]" is much easier to find in a long file than "rules.3.patterns.0".
  let out = '';
  let node: unknown = doc;
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const id = node && typeof node === 'object' && 'id' in node ? (node as { id: unknown }).id : undefined;
      if (typeof id === 'string') out += ` (id: ${id})`;
    } else {
      out += out ? `.${String(key)}` : String(key);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[String(key)] : undefined;
    }
  }
  return out || '(root)';
}

/** Validates an already-parsed document (e.g. from a database) and compiles it. */
export function policyFromObject(doc: unknown, source = 'policy'): Policy {
  const result = policySchema.safeParse(doc);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: formatPath(i.path, doc), message: i.message }));
    throw new PolicyError(`${source}: invalid policy\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues);
  }
  return compilePolicy(result.data as PolicySpec, source);
}

export function parsePolicy(yamlText: string, source = 'policy'): Policy {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (err) {
    throw new PolicyError(`${source}: not valid YAML: ${(err as Error).message}`, [{ path: '(root)', message: (err as Error).message }]);
  }
  return policyFromObject(doc, source);
}

export function loadPolicy(path: string = DEFAULT_POLICY_PATH): Policy {
  return parsePolicy(readFileSync(path, 'utf8'), path);
}
