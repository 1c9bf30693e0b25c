import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { AppError } from '../../platform/errors.ts';
import { sendError } from '../errors.ts';

const HIDDEN_STATES = new Set(['deleted', 'removed']);

export function registerPhotoRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/photos/*', async (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    const storageKey = key.replace(/-(thumb|medium|large)\.webp$/, '');
    const state = storageKey === key ? undefined : await ctx.ads.stateOfPhoto(storageKey);
    // Photos of deleted or removed ads vanish with the ad, even for someone who kept the address.
    const stream = state && !HIDDEN_STATES.has(state) ? await ctx.photos.open(key) : null;
    if (!stream) return sendError(request, reply, new AppError('not_found', 'This photo is not available.'));
    return reply.type('image/webp').header('cache-control', 'public, max-age=300').send(stream);
  });
}
