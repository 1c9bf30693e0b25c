/**
 * `corkboard screen [FILE|-]`: screens JSON Lines of ads in order, each against those before it (so
 * template groups and contact links form inside the file), and writes one JSON line per ad. Needs no
 * database. A bad line yields an error line and the rest go on; exit code 0 unless input is unreadable.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { createScreener, loadPolicy, type ScreeningDecision, type ScreeningInput } from '../screening/index.ts';

const adLine = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string(),
  body: z.string(),
  category: z.string().optional(),
  city: z.string().optional(),
  country: z.string().length(2).optional(),
  price: z.number().nullable().optional(),
  contact: z.object({ phone: z.string().optional(), email: z.string().optional() }).optional(),
  images: z.array(z.string()).optional(),
  poster: z.string().optional(),
  ip: z.string().optional(),
  posted_at: z.string().optional(),
});

type PdqHash = (buf: Buffer) => Promise<{ hash: string; quality: number }>;

/** The PDQ module is optional: another part of the tree provides it; without it images are skipped. */
async function loadPdq(): Promise<PdqHash | null> {
  try {
    const mod = (await import(new URL('../screening/images/index.ts', import.meta.url).href)) as { pdqHash?: PdqHash };
    return typeof mod.pdqHash === 'function' ? mod.pdqHash : null;
  } catch {
    return null;
  }
}

async function readInput(file: string | undefined): Promise<string> {
  if (file && file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function output(d: ScreeningDecision, imageErrors: { image: string; error: string }[]): string {
  return JSON.stringify({
    id: d.id,
    decision: d.decision,
    score: d.score,
    labels: d.labels,
    reasons: d.reasons.map((r) => ({ rule: r.rule, label: r.label, evidence: r.evidence.text })),
    group: d.group,
    linked: d.linked,
    ...(imageErrors.length ? { image_errors: imageErrors } : {}),
  });
}

export async function screen(args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--') || a === '-');
  const policyArg = args.find((a) => a.startsWith('--policy='));
  let text: string;
  try {
    text = await readInput(file);
  } catch (err) {
    process.stderr.write(`corkboard screen: cannot read ${file ?? 'stdin'}: ${(err as Error).message}\n`);
    return 1;
  }
  const screener = createScreener({ policy: loadPolicy(policyArg ? policyArg.slice('--policy='.length) : undefined) });
  const baseDir = file && file !== '-' ? dirname(resolve(file)) : process.cwd();
  let pdq: PdqHash | null | undefined;
  const lines = text.split('\n');
  const out: string[] = [];
  const flush = (): void => {
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    const lineNo = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      out.push(JSON.stringify({ line: lineNo, error: { code: 'invalid_json', message: (err as Error).message } }));
      continue;
    }
    const parsed = adLine.safeParse(json);
    if (!parsed.success) {
      const message = parsed.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ');
      out.push(JSON.stringify({ line: lineNo, error: { code: 'invalid_ad', message } }));
      continue;
    }
    const ad = parsed.data;
    const imageHashes: string[] = [];
    const imageErrors: { image: string; error: string }[] = [];
    if (ad.images?.length) {
      pdq ??= await loadPdq();
      for (const image of ad.images) {
        if (!pdq) {
          imageErrors.push({ image, error: 'image hashing not available' });
          continue;
        }
        try {
          imageHashes.push((await pdq(await readFile(resolve(baseDir, image)))).hash);
        } catch (err) {
          imageErrors.push({ image, error: (err as Error).message.slice(0, 200) });
        }
      }
    }
    const postedAt = ad.posted_at ? new Date(ad.posted_at) : undefined;
    const input: ScreeningInput = { ...ad, imageHashes, postedAt: postedAt && !Number.isNaN(postedAt.getTime()) ? postedAt : undefined };
    try {
      out.push(output(screener.screenAndRecord(input), imageErrors));
    } catch (err) {
      out.push(JSON.stringify({ line: lineNo, error: { code: 'screening_failed', message: (err as Error).message } }));
    }
    if (out.length >= 256) flush();
  }
  flush();
  return 0;
}
