// Demo ads for the "for sale" categories and pet supplies / auto parts, which
// share the item + brand + condition shape.
import { capitalise, near, pickSome, type AdTemplate } from './ad-template.ts';
import { weightedPicker } from './random.ts';
import { COLOURS, CONDITIONS, CONDITION_WEIGHTS } from './vocabulary.ts';

interface Item {
  name: string;
  usd: [number, number];
  brands?: string[];
  details: string[];
}

const item = (name: string, usd: [number, number], details: string[], brands?: string[]): Item => ({ name, usd, details, brands });

const ITEMS: Record<string, Item[]> = {
  furniture: [
    item('sofa', [80, 600], ['Seats three comfortably.', 'Removable, washable covers.', 'From a smoke-free, pet-free home.'], ['IKEA', 'West Elm', 'Habitat']),
    item('dining table', [60, 450], ['Solid oak top.', 'Extends to seat eight.', 'Comes with four matching chairs.']),
    item('bookcase', [20, 120], ['Five adjustable shelves.', 'About 180 cm tall.'], ['IKEA']),
    item('office chair', [30, 250], ['Adjustable height and lumbar support.', 'Armrests fold up.'], ['Herman Miller', 'Steelcase', 'IKEA']),
    item('bed frame', [50, 400], ['Queen size, slats included.', 'Easy to take apart for transport.']),
    item('chest of drawers', [40, 220], ['Six deep drawers that run smoothly.', 'Painted wood, recently refinished.']),
  ],
  electronics: [
    item('TV', [80, 700], ['55 inch, 4K with smart apps built in.', 'Wall bracket included.'], ['Samsung', 'LG', 'Sony', 'TCL']),
    item('soundbar', [40, 300], ['Bluetooth and HDMI ARC.', 'Remote included.'], ['Sonos', 'Bose', 'Yamaha']),
    item('headphones', [25, 250], ['Noise cancelling with a long battery life.', 'Comes with the carry case.'], ['Sony', 'Bose', 'Sennheiser']),
    item('games console', [120, 450], ['Two controllers and three games included.', 'Factory reset and ready to go.'], ['PlayStation', 'Xbox', 'Nintendo']),
    item('digital camera', [90, 800], ['Low shutter count.', 'Includes a spare battery and charger.'], ['Canon', 'Nikon', 'Fujifilm']),
  ],
  computers: [
    item('laptop', [150, 1200], ['16 GB RAM and a fast SSD.', 'Battery still holds a good charge.', 'Wiped and reinstalled.'], ['Lenovo', 'Dell', 'Apple', 'HP', 'Asus']),
    item('smartphone', [80, 700], ['Unlocked for any network.', 'Screen protector on since day one.'], ['Apple', 'Samsung', 'Google', 'Xiaomi']),
    item('tablet', [60, 500], ['Comes with a keyboard case.', 'Great for reading and video calls.'], ['Apple', 'Samsung', 'Lenovo']),
    item('monitor', [50, 350], ['27 inch, 1440p.', 'Height-adjustable stand.'], ['Dell', 'LG', 'BenQ']),
  ],
  appliances: [
    item('washing machine', [100, 450], ['8 kg drum, A-rated.', 'Can help load it into your van.'], ['Bosch', 'Samsung', 'LG', 'Whirlpool']),
    item('fridge freezer', [120, 600], ['Frost free and very quiet.', 'Plenty of room for a family.'], ['Bosch', 'Samsung', 'Beko']),
    item('microwave', [20, 90], ['800 W with a grill function.'], ['Panasonic', 'Sharp']),
    item('vacuum cleaner', [30, 300], ['Cordless with two batteries.', 'All attachments included.'], ['Dyson', 'Shark', 'Miele']),
    item('coffee machine', [30, 400], ['Makes great espresso.', 'Descaled last month.'], ['DeLonghi', 'Nespresso', 'Breville']),
  ],
  clothing: [
    item('winter coat', [25, 180], ['Warm and waterproof.', 'Worn for one season.'], ['North Face', 'Columbia', 'Uniqlo']),
    item('running shoes', [20, 110], ['Only run in a few times.', 'Good grip, plenty of cushioning left.'], ['Nike', 'Adidas', 'Asics']),
    item('leather jacket', [40, 250], ['Soft genuine leather.', 'Zips and lining all intact.']),
    item('wedding dress', [150, 900], ['Professionally cleaned.', 'Includes the veil.']),
    item('handbag', [20, 300], ['Plenty of pockets.', 'Dust bag included.']),
  ],
  'sporting-goods': [
    item('treadmill', [150, 900], ['Folds up to save space.', 'Top speed 16 km/h.'], ['NordicTrack', 'Decathlon']),
    item('set of dumbbells', [30, 200], ['Adjustable from 2 to 24 kg.', 'Stand included.'], ['Bowflex']),
    item('tennis racket', [20, 150], ['Freshly restrung.', 'Comes with a cover.'], ['Wilson', 'Head', 'Babolat']),
    item('camping tent', [40, 300], ['Sleeps four.', 'Used on two trips, no holes or tears.'], ['Coleman', 'Vango', 'Decathlon']),
    item('snowboard', [80, 400], ['Bindings included.', 'Waxed at the end of last season.'], ['Burton', 'Salomon']),
  ],
  tools: [
    item('cordless drill', [30, 180], ['Two batteries and a charger.', 'Comes in its case.'], ['Makita', 'DeWalt', 'Bosch', 'Ryobi']),
    item('lawn mower', [60, 400], ['Starts first pull.', 'Grass box included.'], ['Honda', 'Bosch', 'Flymo']),
    item('socket set', [20, 120], ['Metric and imperial.', 'Nothing missing.'], ['Stanley', 'Craftsman']),
    item('ladder', [30, 150], ['Extends to about 4 metres.', 'Aluminium, light and sturdy.']),
    item('pressure washer', [50, 250], ['Patio cleaner attachment included.'], ['Karcher', 'Nilfisk']),
  ],
  garden: [
    item('patio set', [60, 400], ['Table and four chairs.', 'Cushions stored indoors over winter.']),
    item('barbecue', [40, 500], ['Gas, three burners.', 'Cover included.'], ['Weber', 'Char-Broil']),
    item('raised garden beds', [20, 120], ['Set of three, untreated timber.']),
    item('garden shed', [150, 700], ['Needs to be taken down by the buyer.', 'Dry inside, roof felt replaced last year.']),
  ],
  books: [
    item('box of novels', [10, 40], ['About thirty paperbacks, mostly crime and fantasy.', 'Great for a holiday.']),
    item('set of university textbooks', [20, 150], ['Some pencil notes in the margins.', 'Recent editions.']),
    item('vinyl record collection', [50, 600], ['Jazz, soul and some rock.', 'Records play well, sleeves in decent shape.']),
    item('children\'s book bundle', [10, 35], ['Picture books for ages 2 to 6.', 'Clean homes only.']),
  ],
  'musical-instruments': [
    item('acoustic guitar', [60, 700], ['Plays in tune, low action.', 'Soft case and a spare set of strings.'], ['Yamaha', 'Fender', 'Taylor']),
    item('digital piano', [150, 1200], ['88 weighted keys.', 'Stand and pedal included.'], ['Yamaha', 'Roland', 'Casio']),
    item('violin', [80, 900], ['Full size, bow and case included.', 'Recently set up by a luthier.']),
    item('drum kit', [150, 900], ['Five-piece with cymbals.', 'Great for a beginner.'], ['Pearl', 'Tama']),
  ],
  'toys-games': [
    item('LEGO set', [20, 250], ['Complete with instructions.', 'Built once and taken apart again.'], ['LEGO']),
    item('board game bundle', [15, 80], ['All pieces counted and present.', 'Great for family nights.']),
    item('wooden train set', [20, 90], ['Over fifty pieces of track.', 'Compatible with the big brands.']),
    item('doll house', [30, 150], ['Furniture included.', 'Lights work with batteries.']),
  ],
  'baby-kids': [
    item('pushchair', [40, 500], ['Folds with one hand.', 'Rain cover included.'], ['Bugaboo', 'Joie', 'Graco']),
    item('car seat', [25, 200], ['Never been in an accident.', 'Fits most cars with ISOFIX.'], ['Maxi-Cosi', 'Britax', 'Joie']),
    item('cot', [40, 250], ['Mattress included.', 'Adjustable base height.']),
    item('bundle of baby clothes', [10, 50], ['Sizes 0 to 6 months.', 'All washed and folded.']),
    item('high chair', [20, 150], ['Wipes clean easily.', 'Tray removes for washing.'], ['Stokke', 'IKEA']),
  ],
  'free-stuff': [
    item('moving boxes', [0, 0], ['About twenty, flat-packed.', 'Free to whoever collects.']),
    item('old armchair', [0, 0], ['Comfy but the fabric is worn.', 'Must collect this week.']),
    item('garden soil', [0, 0], ['A few bags left over from a project.']),
    item('kids\' bike', [0, 0], ['Needs new tyres.', 'Free to a good home.']),
    item('firewood', [0, 0], ['Seasoned logs from a fallen tree.', 'Bring your own bags.']),
  ],
  'pet-supplies': [
    item('dog crate', [20, 120], ['Large size, folds flat.', 'Divider panel included.']),
    item('cat tree', [15, 90], ['Sisal scratching posts still in good shape.']),
    item('aquarium', [30, 250], ['120 litres with filter and heater.', 'Stand included.']),
    item('rabbit hutch', [30, 150], ['Two storeys with a run.', 'Weatherproofed last spring.']),
  ],
  'auto-parts': [
    item('set of winter tyres', [80, 400], ['Plenty of tread left.', 'On steel rims.'], ['Michelin', 'Continental', 'Nokian']),
    item('roof box', [60, 300], ['Fits most roof bars.', 'Keys included.'], ['Thule']),
    item('child bike rack', [30, 150], ['Tow-bar mounted, carries three bikes.'], ['Thule']),
    item('car battery', [30, 120], ['Less than a year old.']),
  ],
};

const pickCondition = weightedPicker(CONDITION_WEIGHTS);

function saleTemplate(category: string): AdTemplate {
  const items = ITEMS[category];
  const free = category === 'free-stuff';
  return (context) => {
    const { random } = context;
    const thing = random.pick(items);
    const brand = thing.brands && random.chance(0.7) ? random.pick(thing.brands) : null;
    const condition = free ? CONDITIONS[random.pick([2, 3])] : CONDITIONS[pickCondition(random)];
    const colour = random.chance(0.3) ? random.pick(COLOURS) : null;
    const name = [colour, brand, thing.name].filter(Boolean).join(' ');
    const title = free
      ? random.pick([`Free ${name}`, `Free: ${name}${near(context)}`, `${capitalise(name)} - free to collect`])
      : random.pick([`${capitalise(name)} - ${condition.label}`, `${capitalise(name)}${near(context)}`, `${capitalise(name)}, ${condition.label}`, `Selling my ${name}`]);
    const usd = free ? null : thing.usd[0] + random.next() * (thing.usd[1] - thing.usd[0]) * (condition.value === 'for-parts' ? 0.3 : 1);
    const fields: Record<string, string> = { condition: condition.value };
    if (category === 'clothing') fields.size = random.pick(['xs', 's', 'm', 'l', 'xl', 'xxl', 'kids']);
    return { title, sentences: [...pickSome(random, thing.details, random.int(1, 2)), condition.note], usd, fields };
  };
}

export const FOR_SALE_TEMPLATES: Record<string, AdTemplate> = Object.fromEntries(Object.keys(ITEMS).map((category) => [category, saleTemplate(category)]));
