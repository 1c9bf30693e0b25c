/**
 * The database schema, one dialect (PostgreSQL) for both PGlite and a PostgreSQL server.
 * Migrations in src/db/migrations are generated from this file by `npm run db:generate`.
 */
//
// One file per domain under schema/; this module is what the app, drizzle-kit (drizzle.config.ts)
// and the migrations see.
export * from './schema/marketplace.ts';
export * from './schema/screening.ts';
export * from './schema/accounts.ts';
export * from './schema/alerts.ts';
export * from './schema/moderation.ts';
export * from './schema/relay.ts';
export * from './schema/platform.ts';
