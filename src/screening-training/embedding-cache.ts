/**
 * Embeds many texts, remembering each vector under a hash of its text in a cache file, so
 * retraining after a new batch or a change of features only embeds what is new (the encoder takes
 * about 20 ms a text; the corpus has thousands).
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Embedder } from '../screening/semantic/embedder.ts';

const keyOf = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

export async function embedCached(texts: readonly string[], embedder: () => Promise<Embedder>, cacheFile: string, onBatch?: (n: number) => void): Promise<Float32Array[]> {
  const cache = new Map<string, Float32Array>();
  if (existsSync(cacheFile)) {
    for (const line of readFileSync(cacheFile, 'utf8').split('\n')) {
      const [key, b64] = line.split('\t');
      if (!key || !b64) continue;
      const buf = Buffer.from(b64, 'base64');
      cache.set(key, new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
    }
  }
  const keys = texts.map(keyOf);
  const wanting = new Map<string, number>(); // texts per missing key (the same text may occur twice)
  for (const k of keys) if (!cache.has(k)) wanting.set(k, (wanting.get(k) ?? 0) + 1);
  const missing = [...wanting.keys()];
  onBatch?.(texts.length - [...wanting.values()].reduce((a, b) => a + b, 0));
  if (missing.length > 0) {
    const byKey = new Map(texts.map((t, i) => [keys[i]!, t]));
    const model = await embedder();
    mkdirSync(dirname(cacheFile), { recursive: true });
    for (let i = 0; i < missing.length; i += 32) {
      const chunk = missing.slice(i, i + 32);
      const vectors = await model.embed(chunk.map((k) => byKey.get(k)!));
      chunk.forEach((k, j) => cache.set(k, vectors[j]!));
      const lines = chunk.map((k, j) => `${k}\t${Buffer.from(vectors[j]!.buffer, vectors[j]!.byteOffset, vectors[j]!.byteLength).toString('base64')}`);
      appendFileSync(cacheFile, lines.join('\n') + '\n');
      onBatch?.(chunk.reduce((n, k) => n + wanting.get(k)!, 0));
    }
  }
  return keys.map((k) => cache.get(k)!);
}
