// Field sets shared by several categories. Kept apart from the category tree so
// the tree reads as a list of categories rather than a wall of field definitions.
import { options, type FieldDef } from './field-def.ts';

/** Newest model year a listing may claim: next year's cars are on sale from autumn. */
export const MAX_MODEL_YEAR = new Date().getFullYear() + 1;

export const CONDITION: FieldDef = {
  key: 'condition',
  label: 'Condition',
  type: 'select',
  options: options('New', 'Like new', 'Good', 'Fair', 'For parts'),
  filter: 'exact',
};

export const CAR_MAKES = [
  'Audi', 'BMW', 'Chevrolet', 'Citroën', 'Dacia', 'Fiat', 'Ford', 'Honda', 'Hyundai', 'Jeep', 'Kia', 'Mazda',
  'Mercedes-Benz', 'Mitsubishi', 'Nissan', 'Peugeot', 'Renault', 'Škoda', 'Subaru', 'Suzuki', 'Tesla', 'Toyota',
  'Volkswagen', 'Volvo', 'Other',
];

export const MOTORCYCLE_MAKES = ['BMW', 'Ducati', 'Harley-Davidson', 'Honda', 'Kawasaki', 'KTM', 'Royal Enfield', 'Suzuki', 'Triumph', 'Yamaha', 'Vespa', 'Other'];

const year: FieldDef = { key: 'year', label: 'Year', type: 'integer', min: 1900, max: MAX_MODEL_YEAR, filter: 'range' };
const model: FieldDef = { key: 'model', label: 'Model', type: 'text', max: 60, filter: null };
const mileage: FieldDef = { key: 'mileage', label: 'Mileage', type: 'integer', min: 0, max: 2_000_000, unit: 'km', filter: 'range' };

export const CAR_FIELDS: FieldDef[] = [
  { key: 'make', label: 'Make', type: 'select', options: options(...CAR_MAKES), required: true, filter: 'exact' },
  model,
  year,
  mileage,
  { key: 'fuel', label: 'Fuel', type: 'select', options: options('Petrol', 'Diesel', 'Hybrid', 'Electric', 'LPG'), filter: 'exact' },
  { key: 'transmission', label: 'Transmission', type: 'select', options: options('Manual', 'Automatic'), filter: 'exact' },
];

export const MOTORCYCLE_FIELDS: FieldDef[] = [
  { key: 'make', label: 'Make', type: 'select', options: options(...MOTORCYCLE_MAKES), required: true, filter: 'exact' },
  model,
  year,
  mileage,
  { key: 'engineSize', label: 'Engine size', type: 'integer', min: 50, max: 3000, unit: 'cc', filter: 'range' },
];

export const BICYCLE_FIELDS: FieldDef[] = [
  CONDITION,
  { key: 'bikeType', label: 'Type', type: 'select', options: options('Road', 'Mountain', 'Hybrid', 'City', 'Electric', 'Kids', 'Cargo'), filter: 'exact' },
  { key: 'frameSize', label: 'Frame size', type: 'integer', min: 30, max: 70, unit: 'cm', filter: 'range' },
];

export const BOAT_FIELDS: FieldDef[] = [
  { key: 'boatType', label: 'Type', type: 'select', options: options('Sailboat', 'Motorboat', 'Kayak', 'Canoe', 'Inflatable', 'Fishing boat'), filter: 'exact' },
  year,
  { key: 'length', label: 'Length', type: 'number', min: 1, max: 60, unit: 'm', filter: 'range' },
];

/** Sizes are always stored in m² so one range filter works everywhere; pages may show ft² too. */
const size: FieldDef = { key: 'size', label: 'Size', type: 'integer', min: 5, max: 100_000, unit: 'm²', filter: 'range' };

export const HOME_FIELDS: FieldDef[] = [
  { key: 'bedrooms', label: 'Bedrooms', type: 'integer', min: 0, max: 20, filter: 'range' },
  { key: 'bathrooms', label: 'Bathrooms', type: 'number', min: 0, max: 20, filter: 'range' },
  size,
  { key: 'petsAllowed', label: 'Pets allowed', type: 'boolean', filter: 'bool' },
  { key: 'furnished', label: 'Furnished', type: 'boolean', filter: 'bool' },
];

export const COMMERCIAL_FIELDS: FieldDef[] = [
  size,
  { key: 'spaceType', label: 'Space type', type: 'select', options: options('Office', 'Retail', 'Warehouse', 'Workshop', 'Desk in shared office'), filter: 'exact' },
];

// Pay itself is the ad's price (priceLabel 'Pay'), so it is not repeated as a field.
export const JOB_FIELDS: FieldDef[] = [
  { key: 'payPeriod', label: 'Pay period', type: 'select', options: options('Hour', 'Day', 'Week', 'Month', 'Year'), filter: 'exact' },
  { key: 'employmentType', label: 'Employment type', type: 'select', options: options('Full-time', 'Part-time', 'Contract', 'Temporary', 'Internship'), required: true, filter: 'exact' },
  { key: 'remote', label: 'Remote', type: 'boolean', filter: 'bool' },
];

export const GIG_FIELDS: FieldDef[] = [
  { key: 'payPeriod', label: 'Pay period', type: 'select', options: options('Hour', 'Day', 'Job'), filter: 'exact' },
  { key: 'remote', label: 'Remote', type: 'boolean', filter: 'bool' },
];

export const SERVICE_FIELDS: FieldDef[] = [
  { key: 'insured', label: 'Licensed and insured', type: 'boolean', filter: 'bool' },
];

// Only common domestic companion animals: rehoming wild, exotic or protected species is not allowed here.
export const PET_SPECIES = options('Dog', 'Cat', 'Rabbit', 'Guinea pig', 'Hamster', 'Bird', 'Fish', 'Other small pet');

export const PET_FIELDS: FieldDef[] = [
  { key: 'species', label: 'Species', type: 'select', options: PET_SPECIES, required: true, filter: 'exact' },
  { key: 'ageYears', label: 'Age', type: 'number', min: 0, max: 30, unit: 'years', filter: 'range' },
  { key: 'vaccinated', label: 'Vaccinated', type: 'boolean', filter: 'bool' },
  { key: 'neutered', label: 'Spayed or neutered', type: 'boolean', filter: 'bool' },
];

export const CLOTHING_FIELDS: FieldDef[] = [
  { key: 'size', label: 'Size', type: 'select', options: options('XS', 'S', 'M', 'L', 'XL', 'XXL', 'Kids'), filter: 'exact' },
];

export const RIDESHARE_FIELDS: FieldDef[] = [
  { key: 'seats', label: 'Seats available', type: 'integer', min: 1, max: 8, filter: 'range' },
  { key: 'destination', label: 'Destination', type: 'text', max: 80, required: true, filter: null },
];
