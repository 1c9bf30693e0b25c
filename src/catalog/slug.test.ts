import { describe, expect, it } from 'vitest';
import { slugify } from './slug.ts';

describe('slugify', () => {
  it.each([
    ['Chicago', 'chicago'],
    ['São Paulo', 'sao-paulo'],
    ['Łódź', 'lodz'],
    ['Mazār-e Sharīf', 'mazar-e-sharif'],
    ['Qo‘qon', 'qoqon'],
    ['Düsseldorf', 'dusseldorf'],
    ['Lənkəran', 'lenkeran'],
    ['  St. John’s  ', 'st-johns'],
    ['Ho Chi Minh City (HCMC)', 'ho-chi-minh-city-hcmc'],
  ])('%s -> %s', (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });
});
