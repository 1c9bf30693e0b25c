/**
 * A hand-written statement that PostgreSQL parses and plans once per connection instead of on every
 * call, usable inside any transaction. Drizzle names statements only for its query builder
 * (`.prepare(name)`, bound to one handle); the hottest writes are CTEs it cannot express, and
 * planning them again on every request was a large share of the database's work.
 *
 * Values go in as `sql.placeholder('name')` inside the template. The SQL text is built once; each
 * call hands it, under its name, to the session of the handle it runs on (a transaction's
 * connection, or the pool). On PGlite, which has no named statements, it simply runs.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { rowsOf, type Db } from './client.ts';

const dialect = new PgDialect();

export class NamedStatement<Row> {
  private built: ReturnType<PgDialect['sqlToQuery']> | undefined;

  constructor(
    private name: string,
    private query: SQL,
  ) {}

  async execute(db: Db, values: Record<string, unknown>): Promise<Row[]> {
    this.built ??= dialect.sqlToQuery(this.query);
    const prepared = db._.session.prepareQuery(this.built, undefined, this.name, false);
    return rowsOf<Row>(await prepared.execute(values));
  }
}
