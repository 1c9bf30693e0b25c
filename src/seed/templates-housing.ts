// Demo ads for housing. Apartments come from a template that demo-ads.ts also
// uses to make a property manager's batch of near-identical listings.
import { near, pickSome, type AdTemplate, type TemplateContext } from './ad-template.ts';

const FEATURES = [
  'Bright living room with big windows.', 'Balcony facing the park.', 'Lift in the building.', 'Washing machine included.',
  'Quiet street, five minutes from the bus stop.', 'Recently renovated kitchen.', 'Bike storage in the basement.',
  'Heating and hot water included.', 'Close to schools and shops.', 'Deposit of one month\'s rent.',
];

const LAYOUTS = ['Studio', '1-bedroom', '2-bedroom', '3-bedroom', '4-bedroom'];

export function apartment(context: TemplateContext, bedrooms = context.random.int(0, 4)): ReturnType<AdTemplate> {
  const { random } = context;
  const size = 25 + bedrooms * 22 + random.int(0, 20);
  const furnished = random.chance(0.35);
  const petsAllowed = random.chance(0.4);
  return {
    title: `${LAYOUTS[bedrooms]} apartment${near(context) || ` in ${context.cityName}`}${furnished ? ', furnished' : ''}`,
    sentences: [`${size} m² with ${bedrooms === 0 ? 'an open-plan layout' : `${bedrooms} bedroom${bedrooms > 1 ? 's' : ''}`}.`, ...pickSome(random, FEATURES, random.int(1, 2)), petsAllowed ? 'Pets are welcome.' : 'Sorry, no pets.'],
    usd: 600 + bedrooms * 450 + size * 4 + random.int(-150, 150),
    fields: { bedrooms, bathrooms: bedrooms >= 3 ? 2 : 1, size, petsAllowed, furnished },
  };
}

export const HOUSING_TEMPLATES: Record<string, AdTemplate> = {
  'apartments-for-rent': (context) => apartment(context),
  'rooms-shares': (context) => {
    const { random } = context;
    const flatmates = random.int(1, 4);
    return {
      title: `Room in a friendly ${flatmates + 1}-person flatshare${near(context)}`,
      sentences: [`Looking for a tidy, considerate flatmate to join ${flatmates === 1 ? 'one other person' : `${flatmates} others`}.`, random.pick(FEATURES), 'Bills included in the rent.'],
      usd: random.int(350, 900),
      fields: { bedrooms: 1, bathrooms: 1, size: random.int(10, 20), petsAllowed: false, furnished: true },
    };
  },
  sublets: (context) => {
    const { random } = context;
    const months = random.int(1, 6);
    const draft = apartment(context, random.int(0, 2));
    return { ...draft, title: `${months}-month sublet: ${draft.title.toLowerCase()}`, sentences: [`Available for ${months} month${months > 1 ? 's' : ''} while I am away for work.`, ...draft.sentences.slice(0, 2)] };
  },
  'houses-for-sale': (context) => {
    const { random } = context;
    const bedrooms = random.int(2, 5);
    const size = 70 + bedrooms * 25 + random.int(0, 40);
    return {
      title: `${bedrooms}-bedroom ${random.pick(['family home', 'detached house', 'terraced house', 'bungalow'])}${near(context)}`,
      sentences: [`${size} m² on a ${random.int(150, 800)} m² plot.`, random.pick(['South-facing garden.', 'Garage and driveway parking.', 'New roof in 2019.']), 'Viewings by appointment.'],
      usd: size * random.int(1_500, 4_000),
      fields: { bedrooms, bathrooms: random.int(1, 3), size, petsAllowed: true, furnished: false },
    };
  },
  'office-commercial': (context) => {
    const { random } = context;
    const spaceType = random.pick(['office', 'retail', 'warehouse', 'workshop', 'desk-in-shared-office']);
    const size = spaceType === 'desk-in-shared-office' ? 5 : random.int(30, 600);
    return {
      title: spaceType === 'desk-in-shared-office' ? `Desk available in a shared studio${near(context)}` : `${size} m² ${spaceType} space to let${near(context)}`,
      sentences: [random.pick(['Fast fibre internet.', 'Ground floor with shop front.', 'Loading bay access.', 'Kitchen and meeting room shared.']), 'Flexible lease terms.'],
      usd: spaceType === 'desk-in-shared-office' ? random.int(150, 400) : size * random.int(10, 30),
      fields: { size, spaceType },
    };
  },
  'parking-storage': (context) => {
    const { random } = context;
    const garage = random.chance(0.5);
    return {
      title: garage ? `Lock-up garage to rent${near(context)}` : `Secure parking space${near(context)}`,
      sentences: [garage ? 'Dry, with power and a light.' : 'Underground, with a remote-controlled gate.', 'Monthly rolling contract.'],
      usd: garage ? random.int(90, 250) : random.int(50, 180),
      fields: {},
    };
  },
};
