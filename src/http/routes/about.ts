/** Static information pages. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { safetyPage } from '../views/safety-view.ts';

export function registerAboutRoutes(app: FastifyInstance, ctx: AppContext) {
  const safety = safetyPage(`${ctx.config.publicUrl}/about/safety`).value;
  app.get('/about/safety', async (_request, reply) => reply.type('text/html; charset=utf-8').send(safety));
}
