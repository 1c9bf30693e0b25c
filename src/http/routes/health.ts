import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../composition.ts';
import { readMigrationJournal } from '../../db/migration-status.ts';

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext) {
  // Liveness: the process answers. Nothing else is checked, so a slow database never restarts a node.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: the database answers and every migration this build ships has been applied.
  app.get('/readyz', async (_request, reply) => {
    try {
      const expected = readMigrationJournal();
      const rows = await ctx.database.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
      const applied = Number(rows[0]?.n ?? 0);
      if (applied < expected) return reply.status(503).send({ status: 'migrations_pending', applied, expected });
      return { status: 'ready', database: ctx.database.kind, migrations: applied };
    } catch (err) {
      return reply.status(503).send({ status: 'database_unreachable', message: (err as Error).message });
    }
  });
}
