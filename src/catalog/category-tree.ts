// The category tree as plain data. Children inherit their parent's fields,
// schemaType, priceLabel and expiryDays unless they set their own (see categories.ts).
import {
  BICYCLE_FIELDS, BOAT_FIELDS, CAR_FIELDS, CLOTHING_FIELDS, COMMERCIAL_FIELDS, CONDITION, GIG_FIELDS, HOME_FIELDS,
  JOB_FIELDS, MOTORCYCLE_FIELDS, PET_FIELDS, RIDESHARE_FIELDS, SERVICE_FIELDS,
} from './category-fields.ts';
import type { FieldDef } from './field-def.ts';

export type SchemaType = 'Product' | 'Vehicle' | 'JobPosting' | 'Accommodation' | 'Service' | 'Event' | 'Thing';

export interface CategorySpec {
  slug: string;
  name: string;
  schemaType?: SchemaType;
  priceLabel?: string | null;
  expiryDays?: number;
  /** Added to (or, by key, replacing) the inherited fields. */
  fields?: FieldDef[];
  /** Set to false when the parent's fields make no sense here (e.g. bicycles have no mileage). */
  inheritFields?: boolean;
  children?: CategorySpec[];
}

export const DEFAULT_EXPIRY_DAYS = 30;

export const CATEGORY_TREE: CategorySpec[] = [
  {
    slug: 'for-sale', name: 'For sale', schemaType: 'Product', priceLabel: 'Price', fields: [CONDITION],
    children: [
      { slug: 'furniture', name: 'Furniture' },
      { slug: 'electronics', name: 'Electronics' },
      { slug: 'computers', name: 'Computers & phones' },
      { slug: 'appliances', name: 'Appliances' },
      { slug: 'clothing', name: 'Clothing & accessories', fields: CLOTHING_FIELDS },
      { slug: 'sporting-goods', name: 'Sporting goods' },
      { slug: 'tools', name: 'Tools' },
      { slug: 'garden', name: 'Garden & outdoor' },
      { slug: 'books', name: 'Books & media' },
      { slug: 'musical-instruments', name: 'Musical instruments' },
      { slug: 'toys-games', name: 'Toys & games' },
      { slug: 'baby-kids', name: 'Baby & kids' },
      { slug: 'free-stuff', name: 'Free stuff', priceLabel: null, expiryDays: 7 },
    ],
  },
  {
    slug: 'vehicles', name: 'Vehicles', schemaType: 'Vehicle', priceLabel: 'Price', expiryDays: 45,
    children: [
      { slug: 'cars-trucks', name: 'Cars & trucks', fields: CAR_FIELDS },
      { slug: 'motorcycles', name: 'Motorcycles & scooters', fields: MOTORCYCLE_FIELDS },
      { slug: 'bicycles', name: 'Bicycles', schemaType: 'Product', fields: BICYCLE_FIELDS },
      { slug: 'boats', name: 'Boats', fields: BOAT_FIELDS },
      { slug: 'auto-parts', name: 'Parts & accessories', schemaType: 'Product', expiryDays: 30, fields: [CONDITION] },
    ],
  },
  {
    slug: 'housing', name: 'Housing', schemaType: 'Accommodation', priceLabel: 'Rent per month', fields: HOME_FIELDS,
    children: [
      { slug: 'apartments-for-rent', name: 'Apartments for rent' },
      { slug: 'rooms-shares', name: 'Rooms & shares' },
      { slug: 'sublets', name: 'Sublets & temporary', expiryDays: 14 },
      { slug: 'houses-for-sale', name: 'Houses for sale', priceLabel: 'Price', expiryDays: 60 },
      { slug: 'office-commercial', name: 'Office & commercial', inheritFields: false, fields: COMMERCIAL_FIELDS },
      { slug: 'parking-storage', name: 'Parking & storage', inheritFields: false },
    ],
  },
  {
    slug: 'jobs', name: 'Jobs', schemaType: 'JobPosting', priceLabel: 'Pay', fields: JOB_FIELDS,
    children: [
      { slug: 'admin-office', name: 'Admin & office' },
      { slug: 'customer-service', name: 'Customer service' },
      { slug: 'food-hospitality', name: 'Food & hospitality' },
      { slug: 'healthcare', name: 'Healthcare' },
      { slug: 'retail', name: 'Retail & sales' },
      { slug: 'skilled-trades', name: 'Skilled trades' },
      { slug: 'software-tech', name: 'Software & IT' },
      { slug: 'education', name: 'Education & childcare' },
      { slug: 'transport-logistics', name: 'Transport & logistics' },
      { slug: 'general-labour', name: 'General labour' },
    ],
  },
  {
    slug: 'services', name: 'Services', schemaType: 'Service', priceLabel: 'Starting price', expiryDays: 45, fields: SERVICE_FIELDS,
    children: [
      { slug: 'moving', name: 'Moving & hauling' },
      { slug: 'cleaning', name: 'Cleaning' },
      { slug: 'tutoring', name: 'Tutoring & lessons' },
      { slug: 'home-repairs', name: 'Home repairs & handyman' },
      { slug: 'gardening', name: 'Gardening & landscaping' },
      { slug: 'computer-help', name: 'Computer & phone repair' },
      { slug: 'pet-care', name: 'Pet care' },
      { slug: 'beauty-wellness', name: 'Hair, beauty & wellness' },
      { slug: 'event-services', name: 'Event services' },
    ],
  },
  {
    slug: 'community', name: 'Community', schemaType: 'Thing', priceLabel: null,
    children: [
      { slug: 'activities', name: 'Activity partners' },
      { slug: 'groups', name: 'Groups & clubs' },
      { slug: 'lost-found', name: 'Lost & found', expiryDays: 14 },
      { slug: 'volunteers', name: 'Volunteers' },
      { slug: 'events', name: 'Local events', schemaType: 'Event', priceLabel: 'Ticket price' },
      { slug: 'rideshare', name: 'Rideshare', expiryDays: 14, priceLabel: 'Cost per seat', fields: RIDESHARE_FIELDS },
    ],
  },
  {
    slug: 'pets', name: 'Pets', schemaType: 'Thing', priceLabel: 'Rehoming fee',
    children: [
      { slug: 'pet-rehoming', name: 'Pet rehoming', fields: PET_FIELDS },
      { slug: 'pet-supplies', name: 'Pet supplies', schemaType: 'Product', priceLabel: 'Price', fields: [CONDITION] },
    ],
  },
  {
    slug: 'gigs', name: 'Gigs', schemaType: 'JobPosting', priceLabel: 'Pay', expiryDays: 14, fields: GIG_FIELDS,
    children: [
      { slug: 'labour-gigs', name: 'Labour gigs' },
      { slug: 'creative-gigs', name: 'Creative gigs' },
      { slug: 'computer-gigs', name: 'Computer gigs' },
      { slug: 'event-gigs', name: 'Event gigs' },
      { slug: 'domestic-gigs', name: 'Domestic gigs' },
    ],
  },
];
