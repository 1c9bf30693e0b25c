/**
 * The packaged encoder on several cores: one worker thread per core, each with its own copy of the
 * encoder (about 116 MB each), fed 8 texts at a time. For batch work (`corkboard screen`), where one
 * encoder on one thread is the bottleneck; the server embeds one ad per request and keeps one copy.
 * The vectors are identical to `packagedEmbedder()`'s: same weights, same code, another thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Embedder } from './embedder.ts';

const CALL = 8;

export interface ParallelEmbedder extends Embedder {
  close(): Promise<void>;
}

export async function parallelEmbedder(threads = Math.max(1, Math.min(4, availableParallelism()))): Promise<ParallelEmbedder> {
  const workers = await Promise.all(
    Array.from({ length: threads }, async () => {
      const worker = new Worker(new URL('./embed-worker.mjs', import.meta.url));
      await new Promise<void>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('message', () => resolve());
      });
      return worker;
    }),
  );
  let next = 0;
  const call = (worker: Worker, texts: string[]) =>
    new Promise<Float32Array[]>((resolve, reject) => {
      const id = next++;
      const onMessage = (m: { id: number; vectors?: Float32Array[]; error?: string }) => {
        if (m.id !== id) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        if (m.error) reject(new Error(`sentence encoder: ${m.error}`));
        else resolve(m.vectors!);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage({ id, texts: texts.map((t) => (t.trim() === '' ? ' ' : t)) });
    });
  return {
    async embed(texts) {
      const chunks: string[][] = [];
      for (let i = 0; i < texts.length; i += CALL) chunks.push(texts.slice(i, i + CALL));
      const results: Float32Array[][] = new Array(chunks.length);
      // Each worker takes the next chunk when it is done with one: the cores stay busy whatever the lengths.
      let taken = 0;
      await Promise.all(
        workers.map(async (worker) => {
          while (taken < chunks.length) {
            const k = taken++;
            results[k] = await call(worker, chunks[k]!);
          }
        }),
      );
      return results.flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
