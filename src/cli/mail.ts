/** `corkboard mail deliver`: sends the outbox's pending mail that is due, purges old sent rows, then exits. */
import { createAppContext } from '../composition.ts';
import { configOrExit } from './bootstrap.ts';

export async function mail(args: string[]): Promise<number> {
  if (args[0] !== 'deliver') {
    process.stderr.write('usage: corkboard mail deliver\n');
    return 2;
  }
  const config = configOrExit();
  if (!config) return 2;
  const ctx = await createAppContext(config);
  try {
    let report = { sent: 0, failed: 0, gaveUp: 0, purged: 0 };
    // Skipped (exit 0) when a server node is running the same job right now.
    const ran = await ctx.database.exclusively('corkboard:mail-outbox', async () => {
      report = await ctx.mailOutbox.runJob();
    });
    const c = await ctx.mailOutbox.counts();
    const waiting = `${c.pending} pending (${c.failing} failing), ${c.givenUp} given up${c.givenUp > 0 ? ' (retry them on /staff/admin/mail)' : ''}`;
    console.log(
      ran
        ? `mail outbox: ${report.sent} sent, ${report.failed} failed (${report.gaveUp} given up now), ${report.purged} old sent rows purged; ${waiting}`
        : `mail outbox: another node is delivering; ${waiting}`,
    );
    return report.failed > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
