/** Reads HTML form bodies (urlencoded or multipart, as parsed by @fastify/multipart in keyValues mode). */
import type { Upload } from '../listings/photo-uploads.ts';

type FilePart = { filename: string; mimetype: string; data: Buffer };

function isFile(v: unknown): v is FilePart {
  return typeof v === 'object' && v !== null && Buffer.isBuffer((v as FilePart).data);
}

/** Text fields only, first value of each; files and arrays of files are left out. */
export function textFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body)) {
    const first = Array.isArray(v) ? v.find((x) => typeof x === 'string') : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

export function listField(body: unknown, key: string): string[] {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string');
}

/** Uploaded files under `key`. A file input left empty sends a nameless, empty part: not an upload. */
export function uploadsFrom(body: unknown, key: string): Upload[] {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter(isFile).filter((f) => f.data.length > 0 || f.filename).map((f) => ({ filename: f.filename, data: f.data }));
}
