import { describe, expect, it } from 'vitest';
import { escapeXml, feedPath, summaryOf } from './feeds.ts';

describe('escapeXml', () => {
  it('escapes markup characters and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
    expect(escapeXml('bell\u0007 and form\u000c feed, tab\tok')).toBe('bell and form feed, tab\tok');
    expect(escapeXml('lone \ud800 surrogate, pair 😀')).toBe('lone  surrogate, pair 😀');
  });
});

describe('summaryOf', () => {
  const ad = { id: 1, title: 't', price: 1200, currency: 'USD', cityId: 1, categoryId: 1, neighbourhood: 'Loop', bumpedAt: new Date(), thumbKey: null, photoCount: 0 };
  it('joins price, neighbourhood and the first 300 characters of the body', () => {
    expect(summaryOf(ad, 'Short\n\nbody.')).toBe('$1,200 · Loop · Short body.');
    const long = summaryOf({ ...ad, price: null, neighbourhood: null }, 'x'.repeat(500));
    expect(long).toBe(`${'x'.repeat(300)}…`);
  });
});

describe('feedPath', () => {
  it('keeps what selects ads and drops paging and ordering', () => {
    expect(feedPath({ city: 'chicago', category: 'furniture' })).toBe('/feed.atom?city=chicago&category=furniture');
    expect(feedPath({ q: 'a&b', sort: 'price', cursor: 'x', limit: '10' })).toBe('/feed.atom?q=a%26b');
    expect(feedPath({})).toBe('/feed.atom');
  });
});
