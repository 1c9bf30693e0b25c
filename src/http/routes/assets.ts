import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const css = readFileSync(new URL('../assets/site.css', import.meta.url));

export function registerAssetRoutes(app: FastifyInstance) {
  app.get('/assets/site.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );
  app.get('/favicon.ico', async (_request, reply) => reply.status(204).send());
}
