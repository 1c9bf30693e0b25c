// Demo ads for services, community notices and pet rehoming.
import { near, type AdTemplate } from './ad-template.ts';

const SERVICES: Record<string, { titles: string[]; sentences: string[]; usd: [number, number] }> = {
  moving: { titles: ['Man with a van, local moves', 'Two-person removals team', 'Same-day furniture delivery'], sentences: ['Blankets and straps included.', 'Fully insured, careful with your things.', 'Evenings and weekends at no extra cost.'], usd: [40, 120] },
  cleaning: { titles: ['Reliable home cleaning', 'End-of-tenancy deep clean', 'Office cleaning, evenings'], sentences: ['Eco-friendly products on request.', 'Weekly or fortnightly visits.', 'References available.'], usd: [20, 150] },
  tutoring: { titles: ['Maths and physics tutor', 'Piano lessons for beginners', 'English conversation practice', 'Spanish lessons, all levels'], sentences: ['Qualified teacher with ten years\' experience.', 'Online or at your home.', 'First lesson half price.'], usd: [15, 60] },
  'home-repairs': { titles: ['Handyman for small jobs', 'Tiling and bathroom repairs', 'Painting and decorating'], sentences: ['No job too small.', 'Free quotes within 48 hours.', 'Tidy and punctual.'], usd: [25, 80] },
  gardening: { titles: ['Lawn mowing and hedge trimming', 'Garden design and planting', 'Tree pruning'], sentences: ['Green waste taken away.', 'Regular or one-off visits.', 'Own equipment.'], usd: [20, 60] },
  'computer-help': { titles: ['Laptop and phone screen repair', 'Virus removal and tune-up', 'Home network set-up'], sentences: ['Most repairs done same day.', 'No fix, no fee.', 'Data recovery available.'], usd: [30, 120] },
  'pet-care': { titles: ['Dog walking and pet sitting', 'Cat sitting while you are away', 'Dog grooming at your home'], sentences: ['First aid trained and insured.', 'Daily photo updates.', 'Meet-and-greet before the first booking.'], usd: [12, 40] },
  'beauty-wellness': { titles: ['Mobile hairdresser', 'Sports massage therapist', 'Yoga classes in the park', 'Manicures and pedicures'], sentences: ['Fully qualified and insured.', 'Appointments seven days a week.', 'Gift vouchers available.'], usd: [20, 70] },
  'event-services': { titles: ['DJ for parties and weddings', 'Bouncy castle hire', 'Birthday cakes to order', 'Event photography'], sentences: ['Book early for summer weekends.', 'Setup and pack-down included.', 'See my portfolio on request.'], usd: [80, 600] },
};

export const SERVICE_TEMPLATES: Record<string, AdTemplate> = Object.fromEntries(
  Object.entries(SERVICES).map(([slug, service]) => [
    slug,
    ((context) => {
      const { random } = context;
      const title = random.pick(service.titles);
      return {
        title: random.chance(0.5) ? `${title}${near(context)}` : `${title} - ${context.cityName}`,
        sentences: [random.pick(service.sentences), random.pick(service.sentences)].filter((sentence, i, all) => all.indexOf(sentence) === i),
        usd: service.usd[0] + random.next() * (service.usd[1] - service.usd[0]),
        fields: { insured: random.chance(0.6) },
      };
    }) satisfies AdTemplate,
  ]),
);

const NOTICES: Record<string, Array<[title: string, sentence: string]>> = {
  activities: [['Looking for a tennis partner', 'Intermediate level, weekday evenings.'], ['Running buddy for early mornings', 'About 5 km, gentle pace.'], ['Hiking group for weekend trails', 'All fitness levels welcome.']],
  groups: [['Book club has spaces', 'We meet monthly at the library.'], ['Community choir, no audition', 'Rehearsals on Tuesday evenings.'], ['Board game night every Friday', 'Bring a friend or come alone.']],
  'lost-found': [['Lost: grey cat with a white paw', 'Very friendly, answers to Pepper.'], ['Found: set of keys on a blue lanyard', 'Describe the key ring to claim them.'], ['Lost: child\'s red backpack', 'Has a dinosaur keyring. Reward offered.']],
  volunteers: [['Volunteers needed at the food bank', 'Two hours a week makes a real difference.'], ['Park clean-up this Sunday', 'Gloves and bags provided.'], ['Reading buddies for a primary school', 'Background check arranged by the school.']],
  events: [['Farmers\' market this Saturday', 'Local produce, live music and food stalls.'], ['Open-air cinema night', 'Bring a blanket, films start at dusk.'], ['Charity fun run', 'Sign up on the day, all ages welcome.']],
};

export const COMMUNITY_TEMPLATES: Record<string, AdTemplate> = {
  ...Object.fromEntries(
    Object.entries(NOTICES).map(([slug, notices]) => [
      slug,
      ((context) => {
        const [title, sentence] = context.random.pick(notices);
        const ticketed = slug === 'events' && context.random.chance(0.4);
        return { title: `${title}${near(context)}`, sentences: [sentence], usd: ticketed ? context.random.int(5, 25) : null, fields: {} };
      }) satisfies AdTemplate,
    ]),
  ),
  rideshare: ({ random, cityName }) => {
    const destination = random.pick(['the airport', 'the coast', 'the capital', 'the mountains', 'the music festival', 'the university']);
    return {
      title: `Lift from ${cityName} to ${destination}`,
      sentences: [`Leaving ${random.pick(['Friday evening', 'Saturday morning', 'Sunday afternoon'])}, returning two days later.`, 'Share fuel costs, non-smoking car.'],
      usd: random.int(5, 30),
      fields: { seats: random.int(1, 4), destination },
    };
  },
};

const PETS: Array<[species: string, names: string[], note: string]> = [
  ['dog', ['Labrador', 'Beagle', 'mixed-breed dog', 'Border Collie'], 'Great with children, needs a garden.'],
  ['cat', ['tabby cat', 'black cat', 'pair of sibling cats'], 'Litter trained and very affectionate.'],
  ['rabbit', ['pair of rabbits'], 'Hutch and run can go with them.'],
  ['guinea-pig', ['two guinea pigs'], 'Cage, food and bedding included.'],
  ['bird', ['budgie', 'pair of canaries'], 'Cage included.'],
  ['fish', ['tropical fish'], 'Tank and filter included.'],
];

export const PET_TEMPLATES: Record<string, AdTemplate> = {
  'pet-rehoming': ({ random }) => {
    const [species, names, note] = random.pick(PETS);
    const ageYears = random.int(1, 20) / 2;
    return {
      title: `${random.pick(['Loving home wanted for', 'Rehoming my', 'Gentle'])} ${random.pick(names)}, ${ageYears} years old`,
      sentences: [random.pick(['Sadly we are moving abroad and cannot take them.', 'New allergy in the family.', 'Our landlord no longer allows pets.']), note, 'Small rehoming fee goes to a local shelter.'],
      usd: random.int(0, 8) * 10 || null,
      fields: { species, ageYears, vaccinated: random.chance(0.8), neutered: random.chance(0.6) },
    };
  },
};
