/**
 * Takes the README screenshot: starts Corkboard on a fresh in-memory PGlite with the same demo
 * content as `corkboard serve --seed-if-empty`, opens a city listing with photo thumbnails in
 * Debian's Chromium (playwright-core, no browser download) and writes docs/screenshot.png.
 *
 *   npx tsx scripts/screenshot.ts [--path /new-york-city/for-sale] [--out docs/screenshot.png]
 *
 * Without --path it picks the city + top-level category whose newest ads have the most photos.
 * The header's pin is an emoji: install fonts-noto-color-emoji first, or it renders as a box.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { createAppContext } from '../src/composition.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { buildApp } from '../src/http/app.ts';
import { seedDemoAds } from '../src/listings/demo-seeder.ts';
import { seedPlaces } from '../src/places/seed-places.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const DEMO_ADS = 2000;
const VIEWPORT = { width: 1280, height: 900 };
const MAX_BYTES = 300 * 1024;

const { values: args } = parseArgs({ options: { path: { type: 'string' }, out: { type: 'string', default: 'docs/screenshot.png' } } });

const dataDir = mkdtempSync(path.join(tmpdir(), 'corkboard-screenshot-'));
const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://localhost:3000', LOG_LEVEL: 'silent' });
const ctx = await createAppContext(config, { database: await openDatabase({ memory: true }) });
try {
  console.log(`seeding places and ${DEMO_ADS} demo ads…`);
  await seedPlaces(ctx.database.db);
  await ctx.reloadPlaces();
  const seeded = await seedDemoAds(ctx.database, ctx.places, ctx.photos, { count: DEMO_ADS });
  console.log(`  ${seeded.ads} ads, ${seeded.photos} photos`);

  const pagePath = args.path ?? (await bestListing());
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const res = await page.goto(`${origin}${pagePath}`);
    if (res?.status() !== 200) throw new Error(`${pagePath} answered ${res?.status()}`);
    // Thumbnails are loading="lazy": wait until the ones in view have decoded.
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ complete: boolean }> } }).document;
      return Array.from(doc.querySelectorAll('img')).every((img) => img.complete);
    });
    const png = await page.screenshot({ type: 'png' });
    // A palette PNG keeps the README light; the page is mostly flat colour, so it loses little.
    let out = await sharp(png).png({ palette: true, colours: 256, compressionLevel: 9, effort: 10 }).toBuffer();
    if (out.length > MAX_BYTES) out = await sharp(png).png({ palette: true, colours: 96, compressionLevel: 9, effort: 10 }).toBuffer();
    writeFileSync(args.out, out);
    console.log(`${origin}${pagePath} → ${args.out} (${Math.round(out.length / 1024)} kB)`);
  } finally {
    await browser.close();
    await app.close();
  }
} finally {
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * The city + top-level category listing that shows best above the fold: most photographed ads
 * among its newest ABOVE_THE_FOLD, then most ads.
 */
async function bestListing(): Promise<string> {
  const ABOVE_THE_FOLD = 8;
  const rows = await ctx.database.query<{ city_id: number; category_id: number; photo_count: number }>(
    `select city_id, category_id, photo_count from ads where state = 'published' order by bumped_at desc, id desc`,
  );
  const listings = new Map<string, number[]>();
  for (const r of rows) {
    const city = ctx.places.cityById.get(r.city_id)!;
    let category = ctx.places.categoryById.get(r.category_id)!;
    for (let parent = ctx.places.parentOf(category); parent; parent = ctx.places.parentOf(parent)) category = parent;
    const key = `/${city.slug}/${category.slug}`;
    listings.set(key, [...(listings.get(key) ?? []), r.photo_count]);
  }
  const score = (photos: number[]) => photos.slice(0, ABOVE_THE_FOLD).filter((n) => n > 0).length * 10_000 + photos.length;
  const ranked = [...listings].sort((a, b) => score(b[1]) - score(a[1]));
  if (ranked.length === 0) throw new Error('no demo ads');
  for (const [key, photos] of ranked.slice(0, 5)) {
    console.log(`  ${key}: ${photos.length} ads, ${photos.slice(0, ABOVE_THE_FOLD).filter((n) => n > 0).length} of the newest ${ABOVE_THE_FOLD} with photos`);
  }
  return ranked[0]![0];
}
