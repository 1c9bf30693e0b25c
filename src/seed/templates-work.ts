// Demo ads for jobs and gigs. The ad's price is the pay (hourly or yearly, per payPeriod).
import { near, pickSome, type AdTemplate } from './ad-template.ts';

interface Role {
  titles: string[];
  hourlyUsd: [number, number];
  duties: string[];
  remoteShare: number;
}

const ROLES: Record<string, Role> = {
  'admin-office': { titles: ['Office administrator', 'Receptionist', 'Bookkeeper', 'Executive assistant'], hourlyUsd: [15, 28], duties: ['You will manage the diary and keep the office running smoothly.', 'Good spreadsheet skills are a must.', 'Friendly, small team.'], remoteShare: 0.2 },
  'customer-service': { titles: ['Customer support agent', 'Call centre advisor', 'Help desk assistant'], hourlyUsd: [13, 22], duties: ['You will answer customer questions by phone, chat and email.', 'Full training provided.', 'Second language a plus.'], remoteShare: 0.4 },
  'food-hospitality': { titles: ['Line cook', 'Barista', 'Waiter / waitress', 'Kitchen porter', 'Hotel receptionist'], hourlyUsd: [12, 20], duties: ['Busy, friendly venue in the centre.', 'Staff meals and tips shared fairly.', 'Weekend availability needed.'], remoteShare: 0 },
  healthcare: { titles: ['Registered nurse', 'Care assistant', 'Dental receptionist', 'Pharmacy technician'], hourlyUsd: [16, 45], duties: ['Supportive team with regular training.', 'Relevant registration required.', 'Day and night shifts available.'], remoteShare: 0 },
  retail: { titles: ['Sales assistant', 'Store supervisor', 'Stock associate'], hourlyUsd: [12, 22], duties: ['Help customers and keep the shop floor tidy.', 'Staff discount on all products.', 'No experience needed.'], remoteShare: 0 },
  'skilled-trades': { titles: ['Electrician', 'Plumber', 'Carpenter', 'HVAC technician', 'Painter and decorator'], hourlyUsd: [22, 45], duties: ['Company van and tools provided.', 'Qualified applicants only.', 'Steady work on residential projects.'], remoteShare: 0 },
  'software-tech': { titles: ['Junior web developer', 'Backend engineer', 'IT support technician', 'Data analyst', 'QA tester'], hourlyUsd: [25, 75], duties: ['We work in small teams with code review and pair programming.', 'Modern stack, sensible hours.', 'Laptop and learning budget provided.'], remoteShare: 0.6 },
  education: { titles: ['Teaching assistant', 'Nursery practitioner', 'After-school club leader', 'Language teacher'], hourlyUsd: [14, 35], duties: ['Background check required.', 'Term-time hours.', 'Warm, supportive school community.'], remoteShare: 0.1 },
  'transport-logistics': { titles: ['Delivery driver', 'Warehouse operative', 'Forklift driver', 'Dispatcher'], hourlyUsd: [14, 26], duties: ['Valid driving licence required.', 'Early starts, finish by mid-afternoon.', 'Overtime available.'], remoteShare: 0 },
  'general-labour': { titles: ['General labourer', 'Cleaner', 'Groundskeeper', 'Removals crew member'], hourlyUsd: [12, 20], duties: ['Physically active work outdoors.', 'Steel-toe boots required.', 'Weekly pay.'], remoteShare: 0 },
};

/** "Backend engineer" -> "backend engineer", but "IT support technician" keeps its acronym. */
function lowerFirst(text: string): string {
  return /^[A-Z][A-Z]/.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1);
}

function jobTemplate(role: Role): AdTemplate {
  return (context) => {
    const { random } = context;
    const title = random.pick(role.titles);
    const lower = lowerFirst(title);
    const employmentType = random.pick(['full-time', 'full-time', 'part-time', 'contract', 'temporary', 'internship']);
    const remote = random.chance(role.remoteShare);
    const hourly = role.hourlyUsd[0] + random.next() * (role.hourlyUsd[1] - role.hourlyUsd[0]) * (employmentType === 'internship' ? 0.5 : 1);
    const yearly = employmentType === 'full-time' && random.chance(0.6);
    return {
      title: random.pick([`${title} (${employmentType.replace('-', ' ')})`, `${title} wanted${remote ? ' - remote' : near(context)}`, `Hiring: ${lower}`]),
      sentences: [`We are looking for ${/^[aeiou]/i.test(lower) ? 'an' : 'a'} ${lower} to join us${remote ? ', working remotely' : ` in ${context.cityName}`}.`, ...pickSome(random, role.duties, random.int(1, 2))],
      usd: yearly ? hourly * 1_900 : hourly,
      fields: { payPeriod: yearly ? 'year' : 'hour', employmentType, remote },
    };
  };
}

export const JOB_TEMPLATES: Record<string, AdTemplate> = Object.fromEntries(Object.entries(ROLES).map(([slug, role]) => [slug, jobTemplate(role)]));

const GIGS: Record<string, Array<[title: string, usd: [number, number], period: 'hour' | 'day' | 'job', remote: boolean]>> = {
  'labour-gigs': [['Help needed moving a sofa upstairs', [30, 60], 'job', false], ['Garden clearance helper for a Saturday', [80, 150], 'day', false], ['Two people to unload a van', [20, 30], 'hour', false]],
  'creative-gigs': [['Photographer for a small birthday party', [100, 300], 'job', false], ['Logo design for a local bakery', [150, 400], 'job', true], ['Video editor for a short promo clip', [100, 250], 'job', true]],
  'computer-gigs': [['Set up Wi-Fi and a printer at home', [40, 80], 'job', false], ['Fix a small WordPress site', [50, 150], 'job', true], ['Spreadsheet clean-up for a club', [60, 120], 'job', true]],
  'event-gigs': [['Extra hands for a wedding set-up', [15, 25], 'hour', false], ['Face painter for a school fair', [100, 200], 'day', false], ['Bar staff for a private event', [15, 25], 'hour', false]],
  'domestic-gigs': [['Dog walker for weekday lunchtimes', [10, 20], 'hour', false], ['Flat-pack furniture assembly', [40, 100], 'job', false], ['One-off deep clean before moving out', [100, 250], 'job', false]],
};

export const GIG_TEMPLATES: Record<string, AdTemplate> = Object.fromEntries(
  Object.entries(GIGS).map(([slug, gigs]) => [
    slug,
    (({ random, neighbourhood }) => {
      const [title, usd, payPeriod, remote] = random.pick(gigs);
      return {
        title: neighbourhood && !remote ? `${title} (${neighbourhood})` : title,
        sentences: [random.pick(['Should take a few hours at most.', 'Date is flexible within the next two weeks.', 'Please say what similar work you have done.']), random.pick(['Paid on completion.', 'Refreshments provided.'])],
        usd: usd[0] + random.next() * (usd[1] - usd[0]),
        fields: { payPeriod, remote },
      };
    }) satisfies AdTemplate,
  ]),
);
