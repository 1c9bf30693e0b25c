import { describe, expect, it } from 'vitest';
import type { ListedAd } from '../../listings/search.repository.ts';
import type { Places } from '../../places/places.ts';
import { adList } from './ad-list.ts';

function placesWith(cityName: string): Places {
  return {
    cityById: new Map([[1, { id: 1, slug: 'springfield', name: cityName }]]),
    categoryById: new Map([[2, { id: 2, slug: 'furniture', name: 'Furniture' }]]),
  } as unknown as Places;
}

const posted = new Date('2026-11-22T10:00:00Z');
const items: ListedAd[] = [
  { id: 7, title: 'Oak desk <solid>', price: 50, currency: 'USD', cityId: 1, categoryId: 2, neighbourhood: 'Old Town', bumpedAt: posted, thumbKey: null, photoCount: 0 },
];

describe('adList', () => {
  it('renders a cached result list once per minute, yet shows the time and place names as they are now', () => {
    const places = placesWith('Springfield');
    const at = (minutes: number) => new Date(posted.getTime() + minutes * 60_000);
    const first = adList(items, places, at(5), true);
    expect(first.value).toContain('Oak desk &lt;solid&gt;');
    expect(first.value).toContain('5 min ago');
    expect(first.value).toContain('Old Town, Springfield');
    expect(adList(items, places, at(5.5), true)).toBe(first);
    expect(adList(items, places, at(7), true).value).toContain('7 min ago');
    expect(adList(items, placesWith('Springfield Heights'), at(7), true).value).toContain('Old Town, Springfield Heights');
    expect(adList(items, places, at(7), false).value).not.toContain('Springfield');
  });
});
