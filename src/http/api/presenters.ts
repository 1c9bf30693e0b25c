/**
 * Presenters: one function per API resource, each building its output field by field from an
 * explicit whitelist. Nothing is spread from a database row, so a new column (or a private one such
 * as the poster's e-mail, IP, link nonce or screening details) never leaks into the API by accident.
 */
import type { CategoryDef, FieldDef } from '../../catalog/categories.ts';
import type { AdRow, PhotoRow } from '../../listings/ad.repository.ts';
import type { ListedAd } from '../../listings/search.repository.ts';
import type { City, Places } from '../../places/places.ts';
import { adHref } from '../views/ad-list.ts';
import { photoUrl } from '../views/format.ts';
import type { ApiAd, ApiAdListItem, ApiCategory, ApiCity, ApiContact, ApiFieldDef, ApiPhoto } from './schemas.ts';

export function presentAdListItem(ad: ListedAd, places: Places): ApiAdListItem {
  return {
    id: ad.id,
    title: ad.title,
    price: ad.price,
    currency: ad.currency,
    city: places.cityById.get(ad.cityId)!.slug,
    category: places.categoryById.get(ad.categoryId)!.slug,
    neighbourhood: ad.neighbourhood,
    url: adHref(ad, places),
    posted_at: ad.bumpedAt.toISOString(),
    thumbnail: ad.thumbKey ? photoUrl(ad.thumbKey, 'thumb') : null,
    photo_count: ad.photoCount,
  };
}

export function presentPhoto(photo: PhotoRow): ApiPhoto {
  return {
    medium: photoUrl(photo.storageKey, 'medium'),
    large: photoUrl(photo.storageKey, 'large'),
    width: photo.width,
    height: photo.height,
  };
}

/**
 * Only the mode: a phone number is revealed one at a time, rate-limited, on the ad page (src/http/routes/ad-page.ts).
 * The API answers any origin without a CSRF check, so a number here could be harvested by anyone's script.
 */
export function presentContact(ad: Pick<AdRow, 'contactMode'>): ApiContact {
  return { mode: ad.contactMode === 'phone' ? 'phone' : 'relay' };
}

/** One published ad. The caller has already checked the state: this never decides visibility. */
export function presentAd(ad: AdRow, photos: PhotoRow[], places: Places): ApiAd {
  return {
    id: ad.id,
    title: ad.title,
    body: ad.body,
    price: ad.price,
    currency: ad.currency,
    city: places.cityById.get(ad.cityId)!.slug,
    category: places.categoryById.get(ad.categoryId)!.slug,
    neighbourhood: ad.neighbourhood,
    fields: presentFieldValues(ad.fields),
    url: adHref(ad, places),
    posted_at: ad.bumpedAt.toISOString(),
    expires_at: ad.expiresAt.toISOString(),
    photos: photos.map(presentPhoto),
    contact: presentContact(ad),
  };
}

function presentFieldValues(fields: AdRow['fields']): ApiAd['fields'] {
  const out: ApiAd['fields'] = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

export function presentCity(city: City, places: Places): ApiCity {
  const region = places.regionById.get(city.regionId);
  const country = places.countryByCode.get(city.countryCode);
  return {
    slug: city.slug,
    name: city.name,
    region: `${country?.slug ?? city.countryCode.toLowerCase()}/${region?.slug ?? ''}`,
    region_name: region?.name ?? '',
    country: country?.slug ?? city.countryCode.toLowerCase(),
    country_code: city.countryCode,
    population: city.population,
    currency: city.currency,
  };
}

export function presentFieldDef(field: FieldDef): ApiFieldDef {
  return {
    key: field.key,
    label: field.label,
    type: field.type,
    ...(field.options ? { options: field.options.map((o) => ({ value: o.value, label: o.label })) } : {}),
    ...(field.min !== undefined ? { min: field.min } : {}),
    ...(field.max !== undefined ? { max: field.max } : {}),
    ...(field.unit !== undefined ? { unit: field.unit } : {}),
    required: field.required ?? false,
    filter: field.filter,
  };
}

/** A category with its children, from the catalog (the source of fields and schema types). */
export function presentCategory(category: CategoryDef, all: readonly CategoryDef[]): ApiCategory {
  const children = all.filter((c) => c.parent === category.slug);
  return {
    slug: category.slug,
    name: category.name,
    parent: category.parent,
    postable: children.length === 0,
    schema_type: category.schemaType,
    price_label: category.priceLabel,
    expiry_days: category.expiryDays,
    fields: category.fields.map(presentFieldDef),
    children: children.map((c) => presentCategory(c, all)),
  };
}
