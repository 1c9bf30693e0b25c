/**
 * `corkboard screen [FILE|-] [--policy=FILE] [--model=FILE|--no-model]`: screens JSON Lines of ads in
 * order, each against those before it (so template groups and contact links form inside the file),
 * and writes one JSON line per ad, in input order, once the whole file is screened: an ad's `group` is
 * the template group it ends up in, so the first ad of a group is reported with the later ones. Uses
 * the semantic model (policy/model/semantic.json) when there is one, embedding the ads in batches.
 * Needs no database. A bad line yields an error line and the rest go on; exit code 0 unless input is
 * unreadable or the model cannot be loaded.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { createScreener, loadPolicy, type ScreeningDecision, type ScreeningInput } from '../screening/index.ts';
import { packagedEmbedder } from '../screening/semantic/embedder.ts';
import { parallelEmbedder } from '../screening/semantic/parallel-embedder.ts';
import { loadSemanticModel } from '../screening/semantic/load.ts';
import { semanticText } from '../screening/semantic/text.ts';
import { progress } from './progress.ts';

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

function output(d: ScreeningDecision, group: string | null, imageErrors: { image: string; error: string }[]): string {
  return JSON.stringify({
    id: d.id,
    decision: d.decision,
    score: d.score,
    labels: d.labels,
    reasons: d.reasons.map((r) => ({ rule: r.rule, label: r.label, evidence: r.evidence.text })),
    group,
    linked: d.linked,
    model: d.modelVersion,
    ...(imageErrors.length ? { image_errors: imageErrors } : {}),
  });
}

type Parsed = { line: number; error: Record<string, unknown> } | { line: number; ad: z.infer<typeof adLine> };

function parseLines(text: string): Parsed[] {
  const parsed: Parsed[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      parsed.push({ line: i + 1, error: { code: 'invalid_json', message: (err as Error).message } });
      continue;
    }
    const result = adLine.safeParse(json);
    if (!result.success) {
      const message = result.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ');
      parsed.push({ line: i + 1, error: { code: 'invalid_ad', message } });
    } else parsed.push({ line: i + 1, ad: result.data });
  }
  return parsed;
}

async function imageHashesOf(images: string[] | undefined, baseDir: string, pdq: () => Promise<PdqHash | null>) {
  const hashes: string[] = [];
  const errors: { image: string; error: string }[] = [];
  for (const image of images ?? []) {
    const hasher = await pdq();
    if (!hasher) {
      errors.push({ image, error: 'image hashing not available' });
      continue;
    }
    try {
      hashes.push((await hasher(await readFile(resolve(baseDir, image)))).hash);
    } catch (err) {
      errors.push({ image, error: (err as Error).message.slice(0, 200) });
    }
  }
  return { hashes, errors };
}

export async function screen(args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--') || a === '-');
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  let text: string;
  try {
    text = await readInput(file);
  } catch (err) {
    process.stderr.write(`corkboard screen: cannot read ${file ?? 'stdin'}: ${(err as Error).message}\n`);
    return 1;
  }
  let model;
  try {
    model = args.includes('--no-model') ? null : loadSemanticModel(option('model'));
  } catch (err) {
    process.stderr.write(`corkboard screen: cannot load the semantic model: ${(err as Error).message}\n`);
    return 1;
  }
  const screener = createScreener({ policy: loadPolicy(option('policy')), model: model ?? undefined });
  const baseDir = file && file !== '-' ? dirname(resolve(file)) : process.cwd();
  let pdq: Promise<PdqHash | null> | undefined;
  const parsed = parseLines(text);
  const ads = parsed.flatMap((p) => ('ad' in p ? [p.ad] : []));
  const embeddings: Float32Array[] = [];
  if (model && ads.length > 0) {
    const bar = progress('embedding', ads.length);
    // Many ads: one encoder per core; a few: the single in-process encoder starts faster.
    const parallel = ads.length >= 64 ? await parallelEmbedder() : null;
    const embedder = parallel ?? (await packagedEmbedder());
    try {
      for (let i = 0; i < ads.length; i += 64) {
        embeddings.push(...(await embedder.embed(ads.slice(i, i + 64).map((a) => semanticText(a)))));
        bar.tick(Math.min(64, ads.length - i));
      }
    } finally {
      await parallel?.close();
    }
    if (process.stderr.isTTY) bar.done();
  }
  const results: ({ line: number; error: Record<string, unknown> } | { decision: ScreeningDecision; imageErrors: { image: string; error: string }[] })[] = [];
  let k = 0;
  for (const p of parsed) {
    if (!('ad' in p)) {
      results.push(p);
      continue;
    }
    const ad = p.ad;
    const embedding = embeddings[k++];
    const images = await imageHashesOf(ad.images, baseDir, () => (pdq ??= loadPdq()));
    const postedAt = ad.posted_at ? new Date(ad.posted_at) : undefined;
    const input: ScreeningInput = { ...ad, imageHashes: images.hashes, embedding, postedAt: postedAt && !Number.isNaN(postedAt.getTime()) ? postedAt : undefined };
    try {
      results.push({ decision: screener.screenAndRecord(input), imageErrors: images.errors });
    } catch (err) {
      results.push({ line: p.line, error: { code: 'screening_failed', message: (err as Error).message } });
    }
  }
  const out: string[] = [];
  for (const r of results) {
    if (!('decision' in r)) {
      out.push(JSON.stringify(r));
      continue;
    }
    // The group the ad ended up in, now that every later ad has been seen.
    const group = screener.templates.getGroup(r.decision.id) ?? r.decision.group;
    const shared = group !== null && screener.templates.groupSize(group) > 1;
    out.push(output(r.decision, shared ? group : null, r.imageErrors));
    if (out.length >= 256) {
      process.stdout.write(out.join('\n') + '\n');
      out.length = 0;
    }
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
  return 0;
}
