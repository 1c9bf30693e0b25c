/**
 * What a password sign-in costs: argon2id verification at @node-rs/argon2's defaults (19 MiB,
 * 2 passes, 1 lane), the hash for a new password, the dummy verification run for unknown
 * addresses, and, for scale, resolving a session token (SHA-256 + one indexed query, measured on
 * PGlite in memory with 10,000 sessions). Also how many verifications run at once on this machine
 * (the native hash runs off the event loop, on libuv's thread pool).
 *
 *   npx tsx bench/accounts.bench.ts
 */
import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { AccountRepository } from '../src/accounts/account.repository.ts';
import { burnVerification, hashPassword, verifyPassword } from '../src/accounts/passwords.ts';
import { hashSecret, newSecret } from '../src/accounts/secrets.ts';
import { openTestDatabase } from '../test/helpers/test-database.ts';

const password = 'correct horse battery staple';
const stored = await hashPassword(password);

const db = await openTestDatabase();
await db.migrate();
const repo = new AccountRepository(db.db);
const now = new Date();
const userId = (await repo.insertUser({ email: 'bench@example.com', passwordHash: stored, createdAt: now }))!;
const tokens: string[] = [];
for (let i = 0; i < 10_000; i++) {
  const token = newSecret();
  tokens.push(token);
  await repo.insertSession({ userId, tokenHash: hashSecret(token), userAgent: 'bench', createdAt: now, expiresAt: new Date(now.getTime() + 86_400_000) });
}
let i = 0;

const bench = new Bench({ time: 3000, warmupTime: 500 });
bench
  .add('argon2id verify (sign-in, right password)', async () => {
    if (!(await verifyPassword(stored, password))) throw new Error('verify failed');
  })
  .add('argon2id verify (wrong password)', async () => {
    await verifyPassword(stored, 'wrong password here');
  })
  .add('dummy verify (unknown address)', async () => {
    await burnVerification(password);
  })
  .add('argon2id hash (sign-up, reset)', async () => {
    await hashPassword(password);
  })
  .add('session lookup (sha256 + indexed join, PGlite)', async () => {
    const found = await repo.sessionByTokenHash(hashSecret(tokens[i++ % tokens.length]!), now);
    if (!found) throw new Error('no session');
  });
await bench.run();

const rows = bench.tasks.map((t) => {
  const r = t.result as unknown as { latency?: { mean: number; p50?: number; p99?: number }; throughput?: { mean: number } };
  return {
    task: t.name,
    'mean ms': r.latency?.mean.toFixed(2),
    'p50 ms': r.latency?.p50?.toFixed(2),
    'p99 ms': r.latency?.p99?.toFixed(2),
    'ops/s': r.throughput?.mean.toFixed(0),
  };
});
console.table(rows);

// Parallel verifications: sign-ins per second the machine can absorb.
for (const parallel of [1, 4, 16]) {
  const n = 64;
  const start = performance.now();
  for (let done = 0; done < n; done += parallel) await Promise.all(Array.from({ length: parallel }, () => verifyPassword(stored, password)));
  const seconds = (performance.now() - start) / 1000;
  console.log(`${parallel} at a time: ${(n / seconds).toFixed(0)} verifications/s (${cpus().length} CPUs, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4})`);
}
await db.drop();
