/** Command-line entry point: `corkboard <command> [options]`. Each command lives in its own module. */
type Command = { summary: string; run: (args: string[]) => Promise<number> };

const commands: Record<string, Command> = {
  serve: { summary: 'run the web server', run: async (args) => (await import('./serve.ts')).serve(args) },
  migrate: { summary: 'apply database migrations', run: async (args) => (await import('./migrate.ts')).migrate(args) },
  seed: { summary: 'seed cities, categories and demo ads (--ads N)', run: async (args) => (await import('./seed.ts')).seed(args) },
  screen: { summary: 'screen JSON Lines of ads from FILE or stdin', run: async (args) => (await import('./screen.ts')).screen(args) },
  screening: { summary: 'screening train: train the semantic model from the shipped corpus and write policy/model/semantic.json', run: async (args) => (await import('./screening.ts')).screening(args) },
  rescan: { summary: 're-screen live ads after a policy or hash-bank change (--batch N)', run: async (args) => (await import('./rescan.ts')).rescan(args) },
  audit: { summary: 'audit verify [--batch N] [--anchor SEQ:HASH]... [--anchors FILE]: check the audit log hash chain; audit head [--json]: the head to publish', run: async (args) => (await import('./audit.ts')).audit(args) },
  mail: { summary: 'mail deliver: send pending moderation mail from the outbox (failed or interrupted sends), then exit', run: async (args) => (await import('./mail.ts')).mail(args) },
  alerts: { summary: 'alerts run-once: send due saved-search alerts and digests, then exit', run: async (args) => (await import('./alerts.ts')).alerts(args) },
  staff: { summary: 'staff add EMAIL --role moderator|senior_moderator|admin; staff list; staff remove EMAIL; staff reset-2fa EMAIL', run: async (args) => (await import('./staff.ts')).staff(args) },
  hashbank: { summary: 'hashbank import FILE --name N --label L --action reject|review; hashbank list', run: async (args) => (await import('./hashbank.ts')).hashbank(args) },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
    process.stderr.write(`usage: corkboard <command>\n\n${lines.join('\n')}\n`);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  return command.run(rest);
}
