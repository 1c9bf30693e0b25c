/**
 * Callbacks that must run only once a transaction's writes are visible to others, such as
 * dropping cached search results: dropping them earlier lets a concurrent search re-read the old
 * rows and cache them again just before the commit.
 *
 * `afterCommit(fn)` runs `fn` when the outermost transaction around the caller commits, or at once
 * outside any transaction; callbacks of a transaction that rolls back are dropped. Repositories
 * are often built on a transaction handed down from a service (`new AdRepository(tx)`), so the
 * transaction in progress is found through AsyncLocalStorage rather than passed around.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './client.ts';

const pending = new AsyncLocalStorage<Array<() => void>>();

export function afterCommit(fn: () => void): void {
  const callbacks = pending.getStore();
  if (callbacks) callbacks.push(fn);
  else fn();
}

/** Wraps the root database handle's `transaction` so that commits run their afterCommit callbacks. */
export function withAfterCommit(db: Db): Db {
  const transaction = db.transaction.bind(db);
  const wrapped: typeof db.transaction = async (run, config) => {
    // A transaction opened while another is in progress on the root handle (not a savepoint) is a
    // separate transaction with its own callbacks.
    const callbacks: Array<() => void> = [];
    const result = await pending.run(callbacks, () => transaction(run, config));
    for (const fn of callbacks) fn();
    return result;
  };
  db.transaction = wrapped;
  return db;
}
