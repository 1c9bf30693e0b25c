// Placeholder photos for demo ads: a soft gradient with a few translucent shapes,
// drawn from an SVG by sharp. Local and deterministic, so seeding needs no network
// and the same ad always shows the same picture.
import sharp from 'sharp';
import { createRandom, type Random } from './random.ts';

export const DEMO_PHOTO_WIDTH = 800;
export const DEMO_PHOTO_HEIGHT = 600;

/** Stable hue per category so a category's photos share a family look. */
function categoryHue(category: string): number {
  let hash = 2166136261;
  for (let i = 0; i < category.length; i++) hash = Math.imul(hash ^ category.charCodeAt(i), 16777619);
  return (hash >>> 0) % 360;
}

function hsl(hue: number, saturation: number, lightness: number): string {
  return `hsl(${Math.round(((hue % 360) + 360) % 360)},${saturation}%,${lightness}%)`;
}

function shape(random: Random, hue: number): string {
  const fill = hsl(hue + random.int(-60, 60), random.int(40, 75), random.int(55, 85));
  const opacity = (random.int(25, 60) / 100).toFixed(2);
  const x = random.int(0, DEMO_PHOTO_WIDTH);
  const y = random.int(0, DEMO_PHOTO_HEIGHT);
  const size = random.int(40, 220);
  switch (random.int(0, 2)) {
    case 0:
      return `<circle cx="${x}" cy="${y}" r="${size}" fill="${fill}" fill-opacity="${opacity}"/>`;
    case 1:
      return `<rect x="${x - size}" y="${y - size / 2}" width="${size * 2}" height="${size}" rx="${random.int(0, 40)}" fill="${fill}" fill-opacity="${opacity}" transform="rotate(${random.int(-30, 30)} ${x} ${y})"/>`;
    default:
      return `<polygon points="${x},${y - size} ${x + size},${y + size} ${x - size},${y + size}" fill="${fill}" fill-opacity="${opacity}"/>`;
  }
}

export function demoPhotoSvg(seed: number, category: string): string {
  const random = createRandom(seed);
  const hue = categoryHue(category) + random.int(-25, 25);
  const shapes = Array.from({ length: random.int(4, 9) }, () => shape(random, hue)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${DEMO_PHOTO_WIDTH}" height="${DEMO_PHOTO_HEIGHT}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="${random.int(0, 1)}" y2="1">
<stop offset="0" stop-color="${hsl(hue, 55, 78)}"/><stop offset="1" stop-color="${hsl(hue + random.int(30, 90), 50, 42)}"/>
</linearGradient></defs>
<rect width="100%" height="100%" fill="url(#bg)"/>${shapes}</svg>`;
}

/** An 800x600 JPEG placeholder photo, different for every seed. */
export async function demoPhoto(seed: number, category: string): Promise<Buffer> {
  return sharp(Buffer.from(demoPhotoSvg(seed, category))).jpeg({ quality: 80, mozjpeg: true }).toBuffer();
}
