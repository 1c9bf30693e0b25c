// Reproducible demo ads for development, screenshots and load tests. Cheap per
// ad (string templates, no validation) so a million ads take seconds.
import { getCategory, postableCategories } from '../catalog/categories.ts';
import type { CityRecord } from '../catalog/city-record.ts';
import type { FieldValue } from '../catalog/field-def.ts';
import { slugify } from '../catalog/slug.ts';
import { pickSome, type AdDraft, type TemplateContext } from './ad-template.ts';
import { localPrice } from './local-prices.ts';
import { createRandom, weightedPicker, type Random } from './random.ts';
import { apartment } from './templates-housing.ts';
import { CATEGORY_WEIGHTS, TEMPLATES } from './templates.ts';
import { CLOSING_SENTENCES, EMAIL_DOMAINS, FIRST_NAMES, JOB_CLOSINGS, LAST_NAMES, NEIGHBOURHOODS, SALE_CLOSINGS } from './vocabulary.ts';

export interface DemoAd {
  title: string;
  body: string;
  /** In the city's currency, whole units; null when the category or ad has no price. */
  price: number | null;
  categorySlug: string;
  citySlug: string;
  neighbourhood: string | null;
  fields: Record<string, FieldValue>;
  postedAt: Date;
  email: string;
  phone: string | null;
  photoSeeds: number[];
}

const DAY_MS = 86_400_000;
const MAX_AGE_DAYS = 25;
/** Share of apartment ads that start a property manager's batch of similar listings. */
const PROPERTY_MANAGER_SHARE = 0.03;
const PHOTO_CATEGORIES = new Set(['for-sale', 'vehicles', 'housing', 'pets']);

/**
 * Yields `count` ads spread over `cities` in proportion to population (city
 * sizes are Zipf-like, so big cities get far more ads). The same seed, cities
 * and `now` always give the same ads.
 */
export function* generateDemoAds(count: number, cities: readonly CityRecord[], seed = 1, now: Date = new Date()): Generator<DemoAd> {
  if (count <= 0) return;
  if (cities.length === 0) throw new Error('generateDemoAds needs at least one city');
  const random = createRandom(seed);
  const pickCity = weightedPicker(cities.map((city) => city.population));
  const categories = postableCategories().filter((category) => TEMPLATES[category.slug]);
  const pickCategory = weightedPicker(categories.map((category) => CATEGORY_WEIGHTS[category.slug] ?? 1));
  const nowMs = now.getTime();

  let produced = 0;
  while (produced < count) {
    const city = cities[pickCity(random)];
    const categorySlug = categories[pickCategory(random)].slug;
    const neighbourhood = random.chance(0.7) ? random.pick(NEIGHBOURHOODS) : null;
    const context: TemplateContext = { random, cityName: city.name, neighbourhood };
    const postedAt = new Date(nowMs - Math.floor(random.next() * MAX_AGE_DAYS * DAY_MS));

    if (categorySlug === 'apartments-for-rent' && random.chance(PROPERTY_MANAGER_SHARE)) {
      // A letting agent lists several units in one building: same poster and wording, small differences.
      const email = `lettings.${slugify(neighbourhood ?? city.name)}@${random.pick(EMAIL_DOMAINS)}`;
      const phone = fictionalPhone(random);
      const units = random.int(2, 5);
      for (let unit = 0; unit < units && produced < count; unit++, produced++) {
        const draft = apartment(context, random.int(1, 2));
        // Listed a minute apart, never in the future.
        const listedAt = new Date(Math.min(nowMs, postedAt.getTime() + unit * 60_000));
        yield finish(draft, categorySlug, city, neighbourhood, listedAt, email, phone, random);
      }
      continue;
    }

    const draft = TEMPLATES[categorySlug](context);
    yield finish(draft, categorySlug, city, neighbourhood, postedAt, personalEmail(random), random.chance(0.4) ? fictionalPhone(random) : null, random);
    produced++;
  }
}

function finish(draft: AdDraft, categorySlug: string, city: CityRecord, neighbourhood: string | null, postedAt: Date, email: string, phone: string | null, random: Random): DemoAd {
  const category = getCategory(categorySlug)!;
  const hasPrice = category.priceLabel !== null && draft.usd !== null;
  const closings = closingsFor(category.schemaType, hasPrice);
  // Bodies stay within 2-6 sentences whatever the template returned.
  const own = draft.sentences.slice(0, 4);
  const extra = pickSome(random, closings, random.int(Math.max(1, 2 - own.length), Math.min(3, 6 - own.length)));
  const photoCount = PHOTO_CATEGORIES.has(category.parent ?? '') ? random.int(categorySlug === 'free-stuff' ? 0 : 1, 3) : random.chance(0.15) ? 1 : 0;
  const photoSeeds: number[] = [];
  for (let i = 0; i < photoCount; i++) photoSeeds.push(random.int(1, 0x7fffffff));
  return {
    title: draft.title,
    body: [...own, ...extra].join(' '),
    price: hasPrice ? localPrice(draft.usd!, city.countryCode, city.currency) : null,
    categorySlug,
    citySlug: city.slug,
    neighbourhood,
    fields: draft.fields,
    postedAt,
    email,
    phone,
    photoSeeds,
  };
}

const SALE_POOL = [...SALE_CLOSINGS, ...CLOSING_SENTENCES];
// "Happy to send more photos" reads oddly under a job ad.
const WORK_POOL = [...JOB_CLOSINGS, CLOSING_SENTENCES[0], CLOSING_SENTENCES[5]];

function closingsFor(schemaType: string, hasPrice: boolean): readonly string[] {
  if (schemaType === 'JobPosting') return WORK_POOL;
  return hasPrice && schemaType === 'Product' ? SALE_POOL : CLOSING_SENTENCES;
}

function personalEmail(random: Random): string {
  return `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}${random.int(1, 999)}@${random.pick(EMAIL_DOMAINS)}`;
}

/** 555-01xx numbers are reserved for fiction, so demo data never rings a real phone. */
function fictionalPhone(random: Random): string {
  return `555-01${String(random.int(0, 99)).padStart(2, '0')}`;
}
