import { describe, expect, it } from 'vitest';
import { MAX_MODEL_YEAR } from './category-fields.ts';
import { parseCategoryFields, parseFieldFilters } from './field-validation.ts';

describe('parseCategoryFields', () => {
  it('accepts a well-filled car form and converts types', () => {
    const result = parseCategoryFields('cars-trucks', { make: 'toyota', model: '  Corolla  ', year: '2015', mileage: '123,000', fuel: 'petrol', transmission: 'manual', extra: 'ignored' });
    expect(result).toEqual({ ok: true, values: { make: 'toyota', model: 'Corolla', year: 2015, mileage: 123000, fuel: 'petrol', transmission: 'manual' } });
  });

  it('treats blank strings as absent and reports required fields', () => {
    const result = parseCategoryFields('cars-trucks', { make: '', year: '' });
    expect(result).toEqual({ ok: false, errors: { make: 'Make is required' } });
  });

  it('gives plain-English messages per field', () => {
    const result = parseCategoryFields('cars-trucks', { make: 'lada-rocket', year: '1850', mileage: 'lots', fuel: 'coal' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.year).toBe(`Year must be between 1900 and ${MAX_MODEL_YEAR}`);
    expect(result.errors.mileage).toBe('Mileage must be a whole number');
    expect(result.errors.make).toMatch(/^Make must be one of: Audi, BMW/);
    expect(result.errors.fuel).toBe('Fuel must be one of: Petrol, Diesel, Hybrid, Electric, LPG');
  });

  it('rejects fractions for whole-number fields but not for decimals', () => {
    expect(parseCategoryFields('apartments-for-rent', { bedrooms: '2.5' })).toEqual({ ok: false, errors: { bedrooms: 'Bedrooms must be a whole number' } });
    const ok = parseCategoryFields('apartments-for-rent', { bedrooms: '2', bathrooms: '1.5', size: '64' });
    expect(ok).toMatchObject({ ok: true, values: { bedrooms: 2, bathrooms: 1.5, size: 64 } });
  });

  it('reads checkboxes: "on" is true, missing is false', () => {
    const result = parseCategoryFields('apartments-for-rent', { petsAllowed: 'on' });
    expect(result).toEqual({ ok: true, values: { petsAllowed: true, furnished: false } });
    expect(parseCategoryFields('apartments-for-rent', { furnished: 'perhaps' })).toEqual({ ok: false, errors: { furnished: 'Furnished must be yes or no' } });
  });

  it('accepts typed values from code as well as strings', () => {
    expect(parseCategoryFields('software-tech', { employmentType: 'full-time', payPeriod: 'year', remote: true })).toEqual({
      ok: true,
      values: { employmentType: 'full-time', payPeriod: 'year', remote: true },
    });
  });

  it('limits text length', () => {
    const result = parseCategoryFields('cars-trucks', { make: 'ford', model: 'x'.repeat(61) });
    expect(result).toEqual({ ok: false, errors: { model: 'Model must be at most 60 characters' } });
  });

  it('rejects unknown categories', () => {
    expect(parseCategoryFields('nope', {})).toEqual({ ok: false, errors: { category: 'Choose a category' } });
  });

  it('has no fields to check in community categories', () => {
    expect(parseCategoryFields('lost-found', { anything: 'x' })).toEqual({ ok: true, values: {} });
  });
});

describe('parseFieldFilters', () => {
  it('reads range, exact and bool filters from query parameters', () => {
    const { filters, errors } = parseFieldFilters('cars-trucks', { f_year_min: '2010', f_year_max: '2020', f_make: 'honda', f_mileage_max: '150000', f_fuel: '' });
    expect(errors).toEqual({});
    expect(filters).toEqual([
      { key: 'make', kind: 'exact', value: 'honda' },
      { key: 'year', kind: 'range', min: 2010, max: 2020 },
      { key: 'mileage', kind: 'range', max: 150000 },
    ]);
    expect(parseFieldFilters('apartments-for-rent', { f_petsAllowed: 'on', f_furnished: 'false' }).filters).toEqual([
      { key: 'petsAllowed', kind: 'bool', value: true },
      { key: 'furnished', kind: 'bool', value: false },
    ]);
  });

  it('reports bad parameters by name and keeps the good ones', () => {
    const { filters, errors } = parseFieldFilters('cars-trucks', { f_year_min: 'old', f_make: 'spaceship', f_mileage_min: '5000', f_mileage_max: '1000', f_model: 'Civic' });
    expect(filters).toEqual([]);
    expect(Object.keys(errors).sort()).toEqual(['f_make', 'f_mileage_min', 'f_year_min']);
    expect(errors.f_year_min).toBe('Minimum year: Year must be a whole number');
    expect(errors.f_mileage_min).toBe('Minimum mileage must not be more than the maximum');
  });

  it('takes the first of repeated parameters and ignores unknown categories', () => {
    expect(parseFieldFilters('apartments-for-rent', { f_bedrooms_min: ['2', '5'] }).filters).toEqual([{ key: 'bedrooms', kind: 'range', min: 2 }]);
    expect(parseFieldFilters('nope', { f_year_min: '1' })).toEqual({ filters: [], errors: {} });
  });
});
