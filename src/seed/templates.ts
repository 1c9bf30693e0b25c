// Every postable category's demo-ad template and how common its ads are.
import type { AdTemplate } from './ad-template.ts';
import { COMMUNITY_TEMPLATES, PET_TEMPLATES, SERVICE_TEMPLATES } from './templates-community.ts';
import { FOR_SALE_TEMPLATES } from './templates-for-sale.ts';
import { HOUSING_TEMPLATES } from './templates-housing.ts';
import { VEHICLE_TEMPLATES } from './templates-vehicles.ts';
import { GIG_TEMPLATES, JOB_TEMPLATES } from './templates-work.ts';

export const TEMPLATES: Record<string, AdTemplate> = {
  ...FOR_SALE_TEMPLATES,
  ...VEHICLE_TEMPLATES,
  ...HOUSING_TEMPLATES,
  ...JOB_TEMPLATES,
  ...GIG_TEMPLATES,
  ...SERVICE_TEMPLATES,
  ...COMMUNITY_TEMPLATES,
  ...PET_TEMPLATES,
};

/**
 * Relative share of ads per category, loosely after real classifieds sites:
 * furniture, cars and apartments dominate; boats and lost & found are rare.
 * Categories not listed get weight 1.
 */
export const CATEGORY_WEIGHTS: Record<string, number> = {
  furniture: 8, electronics: 6, computers: 5, appliances: 4, clothing: 5, 'sporting-goods': 3, tools: 3, garden: 2,
  books: 2, 'musical-instruments': 2, 'toys-games': 2, 'baby-kids': 3, 'free-stuff': 3,
  'cars-trucks': 8, motorcycles: 2, bicycles: 3, boats: 0.5, 'auto-parts': 2,
  'apartments-for-rent': 8, 'rooms-shares': 4, sublets: 1.5, 'houses-for-sale': 2, 'office-commercial': 1,
  'lost-found': 0.5, events: 1.5, 'pet-rehoming': 1, 'pet-supplies': 1.5,
};
