// Demo ads for cars, motorcycles, bicycles and boats.
import { MAX_MODEL_YEAR } from '../catalog/category-fields.ts';
import { slugify } from '../catalog/slug.ts';
import { capitalise, pickSome, type AdTemplate } from './ad-template.ts';
import { COLOURS } from './vocabulary.ts';

// Make labels match CAR_MAKES so slugify(label) is a valid 'make' option value.
const CAR_MODELS: Array<[make: string, models: string[], newUsd: number]> = [
  ['Toyota', ['Corolla', 'Yaris', 'RAV4', 'Camry', 'Hilux', 'Prius'], 30_000],
  ['Volkswagen', ['Golf', 'Polo', 'Passat', 'Tiguan'], 32_000],
  ['Ford', ['Focus', 'Fiesta', 'F-150', 'Ranger', 'Transit'], 35_000],
  ['Honda', ['Civic', 'Accord', 'CR-V', 'Jazz'], 30_000],
  ['Hyundai', ['i30', 'Tucson', 'Elantra', 'Kona'], 27_000],
  ['Kia', ['Picanto', 'Sportage', 'Ceed', 'Niro'], 26_000],
  ['BMW', ['3 Series', '1 Series', 'X3', '5 Series'], 50_000],
  ['Mercedes-Benz', ['C-Class', 'A-Class', 'E-Class', 'Sprinter'], 52_000],
  ['Nissan', ['Leaf', 'Qashqai', 'Micra', 'Navara'], 28_000],
  ['Škoda', ['Octavia', 'Fabia', 'Superb'], 27_000],
  ['Tesla', ['Model 3', 'Model Y'], 45_000],
  ['Renault', ['Clio', 'Megane', 'Zoe'], 24_000],
  ['Dacia', ['Sandero', 'Duster'], 17_000],
  ['Mazda', ['Mazda3', 'CX-5', 'MX-5'], 30_000],
];

const CAR_NOTES = [
  'Full service history with receipts.', 'New brakes and tyres this year.', 'Two keys.', 'Non-smoker, garaged.',
  'Cambelt done at the last service.', 'Small dent on the rear bumper, see photos.', 'Air conditioning blows cold.',
  'Passed its inspection last month.', 'One careful owner.', 'Cruise control and parking sensors.',
];

function depreciated(newUsd: number, age: number, km: number): number {
  return Math.max(800, newUsd * 0.85 ** age - km * 0.02);
}

export const VEHICLE_TEMPLATES: Record<string, AdTemplate> = {
  'cars-trucks': ({ random }) => {
    const [makeLabel, models, newUsd] = random.pick(CAR_MODELS);
    const make = slugify(makeLabel);
    const model = random.pick(models);
    const age = random.int(0, 18);
    const year = MAX_MODEL_YEAR - 1 - age;
    const mileage = Math.round((age * random.int(8_000, 20_000) + random.int(0, 5_000)) / 100) * 100;
    const fuel = make === 'tesla' || model === 'Leaf' || model === 'Zoe' ? 'electric' : random.pick(['petrol', 'petrol', 'diesel', 'hybrid']);
    const transmission = fuel === 'electric' ? 'automatic' : random.pick(['manual', 'automatic']);
    const display = `${makeLabel} ${model}`;
    const title = random.pick([`${year} ${display}`, `${year} ${display}, ${mileage.toLocaleString('en-US')} km`, `${display} ${year} - ${transmission}`]);
    return {
      title,
      sentences: [`${capitalise(random.pick(COLOURS))} ${display} with ${mileage.toLocaleString('en-US')} km on the clock.`, ...pickSome(random, CAR_NOTES, random.int(1, 2))],
      usd: depreciated(newUsd, age, mileage),
      fields: { make, model, year, mileage, fuel, transmission },
    };
  },
  motorcycles: ({ random }) => {
    const [make, label, models] = random.pick([
      ['honda', 'Honda', ['CB500F', 'PCX 125', 'Africa Twin']],
      ['yamaha', 'Yamaha', ['MT-07', 'NMAX', 'Ténéré 700']],
      ['vespa', 'Vespa', ['Primavera 125', 'GTS 300']],
      ['kawasaki', 'Kawasaki', ['Z650', 'Ninja 400']],
      ['royal-enfield', 'Royal Enfield', ['Classic 350', 'Himalayan']],
      ['triumph', 'Triumph', ['Bonneville', 'Street Triple']],
    ] as const);
    const model = random.pick(models);
    const age = random.int(0, 15);
    const mileage = age * random.int(1_500, 6_000);
    const engineSize = /125|NMAX/.test(model) ? 125 : random.pick([300, 350, 400, 650, 700, 900]);
    return {
      title: `${label} ${model} ${MAX_MODEL_YEAR - 1 - age}`,
      sentences: [`${engineSize} cc, ${mileage.toLocaleString('en-US')} km.`, random.pick(['Helmet and gloves included.', 'Recently serviced.', 'Perfect for commuting.', 'Top box fitted.'])],
      usd: Math.max(500, (engineSize < 200 ? 4_000 : 9_000) * 0.88 ** age),
      fields: { make, model, year: MAX_MODEL_YEAR - 1 - age, mileage, engineSize },
    };
  },
  bicycles: ({ random }) => {
    const bikeType = random.pick(['road', 'mountain', 'hybrid', 'city', 'electric', 'kids', 'cargo']);
    const brand = random.pick(['Trek', 'Giant', 'Specialized', 'Cannondale', 'Brompton', 'Decathlon', 'Raleigh']);
    const condition = random.pick(['like-new', 'good', 'good', 'fair']);
    const frameSize = bikeType === 'kids' ? random.int(30, 40) : random.int(48, 60);
    const base = { road: 700, mountain: 600, hybrid: 350, city: 250, electric: 1400, kids: 90, cargo: 1800 }[bikeType]!;
    return {
      title: `${brand} ${bikeType} bike, ${frameSize} cm frame`,
      sentences: [random.pick(['Gears shift smoothly.', 'New chain and brake pads.', 'Lights and lock included.', 'Rarely ridden.']), random.pick(['Ready to ride.', 'Tyres pumped and ready.'])],
      usd: base * (condition === 'like-new' ? 0.8 : condition === 'good' ? 0.55 : 0.35),
      fields: { condition, bikeType, frameSize },
    };
  },
  boats: ({ random }) => {
    const boatType = random.pick(['sailboat', 'motorboat', 'kayak', 'canoe', 'inflatable', 'fishing-boat']);
    const small = boatType === 'kayak' || boatType === 'canoe' || boatType === 'inflatable';
    const length = small ? random.int(25, 55) / 10 : random.int(45, 120) / 10;
    const year = MAX_MODEL_YEAR - 1 - random.int(0, 35);
    const label = boatType.replace('-', ' ');
    return {
      title: `${length} m ${label}${small ? '' : `, ${year}`}`,
      sentences: [small ? 'Paddles and buoyancy aid included.' : 'Trailer included, engine serviced this spring.', random.pick(['Stored under cover.', 'No leaks.', 'Great for the lake.'])],
      usd: small ? random.int(150, 900) : random.int(4_000, 45_000),
      fields: { boatType, year, length },
    };
  },
};
