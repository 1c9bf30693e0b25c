import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoPhoto, demoPhotoSvg } from './demo-photos.ts';

describe('demoPhoto', () => {
  it('renders an 800x600 JPEG', async () => {
    const jpeg = await demoPhoto(42, 'furniture');
    const meta = await sharp(jpeg).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 800, height: 600 });
    expect(jpeg.length).toBeGreaterThan(1_000);
  });

  it('is the same for a seed and differs between seeds', async () => {
    expect(demoPhotoSvg(7, 'cars-trucks')).toBe(demoPhotoSvg(7, 'cars-trucks'));
    expect(demoPhotoSvg(7, 'cars-trucks')).not.toBe(demoPhotoSvg(8, 'cars-trucks'));
    const [a, b] = await Promise.all([demoPhoto(1, 'books'), demoPhoto(2, 'books')]);
    expect(a.equals(b)).toBe(false);
  });
});
