/** `corkboard alerts run-once`: schedules due alert windows and drains every runnable alert job, then exits. */
import { createAppContext } from '../composition.ts';
import { configOrExit } from './bootstrap.ts';

export async function alerts(args: string[]): Promise<number> {
  if (args[0] !== 'run-once') {
    process.stderr.write('usage: corkboard alerts run-once\n');
    return 2;
  }
  const config = configOrExit();
  if (!config) return 2;
  const ctx = await createAppContext(config);
  try {
    const started = Date.now();
    const report = await ctx.alerts.runOnce();
    console.log(`alerts: ${JSON.stringify(report)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return report.failures > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
