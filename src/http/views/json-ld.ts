/**
 * schema.org JSON-LD for an ad page, shaped by the category's schemaType (src/catalog/category-tree.ts):
 * Product with an Offer, Vehicle, JobPosting, Accommodation (Apartment, Room, House), Service, Event
 * or a plain Thing. Only public facts go in: never the poster's e-mail or phone number.
 * Render it with jsonForScript from src/http/html.ts.
 */
import { getCategory, type CategoryDef, type FieldValue } from '../../catalog/categories.ts';
import type { AdRow, PhotoRow } from '../../listings/ad.repository.ts';
import type { Category, City, Country, Region } from '../../places/places.ts';
import { photoUrl } from './format.ts';

export interface AdJsonLdInput {
  ad: AdRow;
  photos: PhotoRow[];
  city: City;
  country?: Country;
  /** Gives JobPosting and Accommodation addresses their addressRegion. */
  region?: Region;
  category: Category;
  publicUrl: string;
  /** The ad page's address, absolute or a path on publicUrl. */
  url: string;
}

type Json = Record<string, unknown>;

const CONDITION: Record<string, string> = {
  new: 'https://schema.org/NewCondition',
  'like-new': 'https://schema.org/UsedCondition',
  good: 'https://schema.org/UsedCondition',
  fair: 'https://schema.org/UsedCondition',
  'for-parts': 'https://schema.org/DamagedCondition',
};

const EMPLOYMENT_TYPE: Record<string, string> = {
  'full-time': 'FULL_TIME',
  'part-time': 'PART_TIME',
  contract: 'CONTRACTOR',
  temporary: 'TEMPORARY',
  internship: 'INTERN',
};

const PAY_UNIT: Record<string, string> = { hour: 'HOUR', day: 'DAY', week: 'WEEK', month: 'MONTH', year: 'YEAR' };

/** UN/CEFACT codes for the units our fields use. */
const UNIT_CODE: Record<string, string> = { km: 'KMT', 'm²': 'MTK', cc: 'CMQ', m: 'MTR', cm: 'CMT' };

const ACCOMMODATION_TYPE: Record<string, string> = {
  'apartments-for-rent': 'Apartment',
  sublets: 'Apartment',
  'rooms-shares': 'Room',
  'houses-for-sale': 'House',
};

const VEHICLE_TYPE: Record<string, string> = { 'cars-trucks': 'Car', motorcycles: 'Motorcycle' };

export function adJsonLd(input: AdJsonLdInput): object {
  const def = getCategory(input.category.slug);
  const schemaType = def?.schemaType ?? 'Thing';
  const ctx = new LdContext(input, def);
  switch (schemaType) {
    case 'Product':
      return ctx.product();
    case 'Vehicle':
      return ctx.vehicle();
    case 'JobPosting':
      return ctx.jobPosting();
    case 'Accommodation':
      return ctx.accommodation();
    case 'Service':
      return ctx.service();
    case 'Event':
      return ctx.event();
    default:
      return ctx.thing();
  }
}

class LdContext {
  readonly url: string;
  readonly fields: Record<string, FieldValue>;

  constructor(
    readonly input: AdJsonLdInput,
    readonly def: CategoryDef | undefined,
  ) {
    this.url = absolute(input.url, input.publicUrl);
    this.fields = input.ad.fields ?? {};
  }

  /** name, description, url and images: what every type shares. */
  base(type: string | string[]): Json {
    const { ad, photos, publicUrl } = this.input;
    return compact({
      '@context': 'https://schema.org',
      '@type': type,
      name: ad.title,
      description: ad.body,
      url: this.url,
      image: photos.length > 0 ? photos.map((p) => absolute(photoUrl(p.storageKey, 'large'), publicUrl)) : undefined,
    });
  }

  address(): Json {
    const { city, region, country, ad } = this.input;
    return compact({
      '@type': 'PostalAddress',
      addressLocality: city.name,
      addressRegion: region?.name,
      addressCountry: country?.code ?? city.countryCode,
      // The neighbourhood is what the poster chose to share; it is not a street address.
      ...(ad.neighbourhood ? { name: ad.neighbourhood } : {}),
    });
  }

  areaServed(): Json {
    const { city, country } = this.input;
    return compact({ '@type': 'City', name: city.name, ...(country ? { containedInPlace: { '@type': 'Country', name: country.name } } : {}) });
  }

  offer(extra: Json = {}): Json | undefined {
    const { ad } = this.input;
    if (ad.price === null) return undefined;
    return compact({
      '@type': 'Offer',
      price: ad.price,
      priceCurrency: ad.currency ?? undefined,
      availability: 'https://schema.org/InStock',
      url: this.url,
      validFrom: ad.bumpedAt.toISOString(),
      priceValidUntil: ad.expiresAt.toISOString().slice(0, 10),
      areaServed: this.areaServed(),
      ...extra,
    });
  }

  text(key: string): string | undefined {
    const v = this.fields[key];
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  }

  num(key: string): number | undefined {
    const v = this.fields[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }

  bool(key: string): boolean | undefined {
    const v = this.fields[key];
    return typeof v === 'boolean' ? v : undefined;
  }

  /** The label of a select field's stored value ("skoda" → "Škoda"). */
  label(key: string): string | undefined {
    const value = this.text(key);
    if (value === undefined) return undefined;
    const field = this.def?.fields.find((f) => f.key === key);
    return field?.options?.find((o) => o.value === value)?.label ?? value;
  }

  quantity(key: string): Json | undefined {
    const value = this.num(key);
    if (value === undefined) return undefined;
    const unit = this.def?.fields.find((f) => f.key === key)?.unit;
    return compact({ '@type': 'QuantitativeValue', value, unitCode: unit ? UNIT_CODE[unit] : undefined, unitText: unit });
  }

  itemCondition(): string | undefined {
    const c = this.text('condition');
    return c ? CONDITION[c] : undefined;
  }

  product(): Json {
    const condition = this.itemCondition();
    return compact({
      ...this.base('Product'),
      category: this.input.category.name,
      itemCondition: condition,
      offers: this.offer(condition ? { itemCondition: condition } : {}),
    });
  }

  vehicle(): Json {
    const specific = VEHICLE_TYPE[this.input.category.slug];
    const make = this.label('make');
    const year = this.num('year');
    const engine = this.quantity('engineSize');
    return compact({
      ...this.base(specific ? ['Product', specific] : ['Product', 'Vehicle']),
      category: this.input.category.name,
      brand: make ? { '@type': 'Brand', name: make } : undefined,
      manufacturer: make ? { '@type': 'Organization', name: make } : undefined,
      model: this.text('model'),
      vehicleModelDate: year !== undefined ? String(year) : undefined,
      mileageFromOdometer: this.quantity('mileage'),
      fuelType: this.label('fuel'),
      vehicleTransmission: this.label('transmission'),
      vehicleEngine: engine ? { '@type': 'EngineSpecification', engineDisplacement: engine } : undefined,
      itemCondition: this.itemCondition(),
      offers: this.offer(),
    });
  }

  jobPosting(): Json {
    const { ad, country, city } = this.input;
    const employment = this.text('employmentType');
    const payPeriod = this.text('payPeriod');
    const remote = this.bool('remote') === true;
    return compact({
      '@context': 'https://schema.org',
      '@type': 'JobPosting',
      title: ad.title,
      description: ad.body,
      url: this.url,
      datePosted: ad.bumpedAt.toISOString(),
      validThrough: ad.expiresAt.toISOString(),
      employmentType: employment ? (EMPLOYMENT_TYPE[employment] ?? 'OTHER') : undefined,
      // Ads carry no employer name; Google requires one, so a neutral placeholder stands in.
      hiringOrganization: { '@type': 'Organization', name: 'Private employer' },
      jobLocation: { '@type': 'Place', address: this.address() },
      ...(remote
        ? { jobLocationType: 'TELECOMMUTE', applicantLocationRequirements: { '@type': 'Country', name: country?.name ?? city.countryCode } }
        : {}),
      baseSalary:
        ad.price !== null
          ? compact({
              '@type': 'MonetaryAmount',
              currency: ad.currency ?? undefined,
              value: compact({ '@type': 'QuantitativeValue', value: ad.price, unitText: payPeriod ? PAY_UNIT[payPeriod] : undefined }),
            })
          : undefined,
      industry: this.input.category.name,
      directApply: false,
    });
  }

  accommodation(): Json {
    const { category } = this.input;
    const type = ACCOMMODATION_TYPE[category.slug] ?? 'Accommodation';
    const bedrooms = this.num('bedrooms');
    const monthly = (this.def?.priceLabel ?? '').toLowerCase().includes('per month');
    const offer = this.offer(
      monthly && this.input.ad.price !== null
        ? {
            businessFunction: 'http://purl.org/goodrelations/v1#LeaseOut',
            priceSpecification: compact({
              '@type': 'UnitPriceSpecification',
              price: this.input.ad.price,
              priceCurrency: this.input.ad.currency ?? undefined,
              unitCode: 'MON',
              unitText: 'month',
            }),
          }
        : {},
    );
    return compact({
      ...this.base(type),
      address: this.address(),
      numberOfRooms: bedrooms,
      numberOfBedrooms: bedrooms,
      numberOfBathroomsTotal: this.num('bathrooms'),
      floorSize: this.quantity('size'),
      petsAllowed: this.bool('petsAllowed'),
      amenityFeature:
        this.bool('furnished') !== undefined ? [{ '@type': 'LocationFeatureSpecification', name: 'Furnished', value: this.bool('furnished') }] : undefined,
      offers: offer,
    });
  }

  service(): Json {
    return compact({
      ...this.base('Service'),
      serviceType: this.input.category.name,
      areaServed: this.areaServed(),
      offers: this.offer(),
    });
  }

  event(): Json {
    const { ad, city } = this.input;
    // Ads have no event date field, so startDate is left out rather than invented.
    return compact({
      ...this.base('Event'),
      location: { '@type': 'Place', name: ad.neighbourhood ?? city.name, address: this.address() },
      offers: this.offer(),
    });
  }

  thing(): Json {
    return compact({ ...this.base('Thing'), dateCreated: this.input.ad.bumpedAt.toISOString() });
  }
}

function absolute(pathOrUrl: string, publicUrl: string): string {
  return /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${publicUrl.replace(/\/+$/, '')}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}

/** Drops undefined values so the output has no empty keys. */
function compact<T extends Json>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}
