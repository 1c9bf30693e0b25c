export interface CityRecord {
  geonameId: number;
  slug: string;
  name: string;
  countryCode: string;
  countryName: string;
  countrySlug: string;
  regionCode: string;
  regionName: string;
  regionSlug: string;
  population: number;
  lat: number;
  lon: number;
  /** ISO 4217 code used for prices in this city. */
  currency: string;
  timezone?: string;
}

/** Shape of src/catalog/data/cities.json, written by build-cities.ts. */
export interface GazetteerFile {
  source: string;
  minPopulation: number;
  /** Cities whose admin1 region could not be named from GeoNames data; they use the country name instead. */
  regionFallbackIds: number[];
  cities: CityRecord[];
}

/** Region code used when GeoNames has no usable admin1 for a city (GeoNames' own "unknown" value). */
export const UNKNOWN_REGION_CODE = '00';
