/**
 * The poster's journey through the real app (database, photo pipeline, screening hook, mail):
 * post without an account, confirm, find the ad, edit, renew, delete; and every way it can go wrong.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmFromMail as confirmAdFromMail, csrfOf, multipart, submitAd, type FilePart } from './helpers/post-ad.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const csrf = (url = '/post') => csrfOf(t, url);

async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .withExif({ IFD0: { Make: 'TestCam', Model: 'Secret Model' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '41/1 52/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '87/1 37/1 0/1' } })
    .jpeg()
    .toBuffer();
}

const baseAd = {
  title: 'Oak dining table with four chairs',
  body: 'Solid oak table, 180 cm, seats six. Four matching chairs. Pick up only.',
  price: '350',
  country: 'united-states',
  city: 'chicago',
  neighbourhood: 'Lincoln Park',
  category: 'furniture',
  email: 'poster@example.com',
  contact_mode: 'relay',
};

const postAd = (fields: Record<string, string>, files: FilePart[] = []) => submitAd(t, fields, files);
const confirmFromMail = (email: string) => confirmAdFromMail(t, email);

describe('posting an ad without an account', () => {
  let adPath = '';
  let managePath = '';

  it('accepts the form with two photos and mails a confirmation and a private manage link', async () => {
    const res = await postAd(baseAd, [
      { name: 'photos', filename: 'table.jpg', data: await jpegWithGps() },
      { name: 'photos', filename: 'chairs.jpg', data: await jpegWithGps() },
    ]);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/post/sent');
    const mail = t.mailer.lastTo('poster@example.com')!;
    expect(mail.subject).toContain('Confirm your ad');
    expect(mail.text).toMatch(/\/confirm\/\d+\//);
    expect(mail.text).toMatch(/\/manage\/\d+\//);
  });

  it('keeps the ad off the site until it is confirmed', async () => {
    const search = await t.app.inject({ url: '/search?q=oak+dining&city=chicago' });
    expect(search.body).not.toContain('Oak dining table');
  });

  it('publishes the ad once the poster confirms from the mail, and says so', async () => {
    const { res, managePath: mp } = await confirmFromMail('poster@example.com');
    managePath = mp;
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-state="published"');
    adPath = /href="(\/chicago\/furniture\/oak-dining-table-with-four-chairs-\d+)"/.exec(res.body)![1]!;
    expect(t.mailer.lastTo('poster@example.com')!.subject).toContain('Your ad is live');
  });

  it('shows the ad page with price, neighbourhood, photos and JSON-LD, and no e-mail address', async () => {
    const res = await t.app.inject({ url: adPath });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Oak dining table with four chairs');
    expect(res.body).toContain('$350');
    expect(res.body).toContain('Lincoln Park');
    expect(res.body).toContain('application/ld+json');
    expect(res.body).not.toContain('poster@example.com');
    const photos = [...res.body.matchAll(/src="(\/photos\/[^"]+-medium\.webp)"/g)].map((m) => m[1]!);
    expect(photos).toHaveLength(2);
    const photo = await t.app.inject({ url: photos[0]! });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/webp');
    const meta = await sharp(photo.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.width).toBeLessThanOrEqual(900);
  });

  it('redirects a wrong slug to the canonical address', async () => {
    const id = adPath.split('-').pop();
    const res = await t.app.inject({ url: `/chicago/furniture/whatever-${id}` });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe(adPath);
  });

  it('is found by search, by the city page counts and by the category listing', async () => {
    const search = await t.app.inject({ url: '/search?q=%22dining+table%22&city=chicago' });
    expect(search.body).toContain(adPath);
    const excluded = await t.app.inject({ url: '/search?q=table+-oak&city=chicago' });
    expect(excluded.body).not.toContain(adPath);
    const city = await t.app.inject({ url: '/chicago' });
    expect(city.body).toMatch(/data-category="furniture">1</);
    const listing = await t.app.inject({ url: '/chicago/furniture' });
    expect(listing.body).toContain(adPath);
    const cheaper = await t.app.inject({ url: '/chicago/furniture?max_price=100' });
    expect(cheaper.body).not.toContain(adPath);
    expect(cheaper.body).toContain('id="no-results"');
  });

  it('refuses the same item from the same poster within 48 hours', async () => {
    const res = await postAd({ ...baseAd, city: 'milwaukee' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('in the last 48 hours');
    expect(res.body).toContain('value="Oak dining table with four chairs"');
  });

  it('lets the poster edit through the private link, keeping one photo', async () => {
    const page = await t.app.inject({ url: managePath });
    expect(page.statusCode).toBe(200);
    const keepIds = [...page.body.matchAll(/name="keep_photo" value="(\d+)"/g)].map((m) => m[1]!);
    expect(keepIds).toHaveLength(2);
    const { token, cookie } = await csrf(managePath);
    const body = multipart({ ...baseAd, title: 'Oak dining table with six chairs', price: '420', keep_photo: [keepIds[0]!], _csrf: token, _action: 'submit' });
    const res = await t.app.inject({ method: 'POST', url: `${managePath}/edit`, payload: body.payload, headers: { ...body.headers, cookie } });
    expect(res.statusCode).toBe(303);
    const after = await t.app.inject({ url: '/search?q=six+chairs&city=chicago' });
    expect(after.body).toContain('Oak dining table with six chairs');
    const newPath = /href="(\/chicago\/furniture\/oak-dining-table-with-six-chairs-\d+)"/.exec(after.body)![1]!;
    const ad = await t.app.inject({ url: newPath });
    expect(ad.body).toContain('$420');
    expect([...ad.body.matchAll(/-medium\.webp/g)]).toHaveLength(1);
  });

  it('refuses a renewal within 48 hours and accepts it after', async () => {
    const { token, cookie } = await csrf(managePath);
    const early = await t.app.inject({ method: 'POST', url: `${managePath}/renew`, payload: { _csrf: token }, headers: { cookie } });
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain('You can renew this ad again after');
    t.clock.advanceHours(49);
    const later = await t.app.inject({ method: 'POST', url: `${managePath}/renew`, payload: { _csrf: token }, headers: { cookie } });
    expect(later.statusCode).toBe(303);
  });

  it('deletes the ad: gone from the site and its photos at once', async () => {
    const current = await t.app.inject({ url: '/search?q=six+chairs&city=chicago' });
    const path = /href="(\/chicago\/furniture\/oak-dining-table-with-six-chairs-\d+)"/.exec(current.body)![1]!;
    const photo = /src="(\/photos\/[^"]+-thumb\.webp)"/.exec(current.body)![1]!;
    const { token, cookie } = await csrf(managePath);
    const res = await t.app.inject({ method: 'POST', url: `${managePath}/delete`, payload: { _csrf: token, confirm: 'yes' }, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="deleted"');
    expect((await t.app.inject({ url: path })).statusCode).toBe(404);
    expect((await t.app.inject({ url: photo })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/search?q=six+chairs&city=chicago' })).body).not.toContain(path);
    expect((await t.app.inject({ url: managePath })).statusCode).toBe(404);
  });
});

describe('bad input', () => {
  it('re-renders the form with every typed value and a message per field', async () => {
    const res = await postAd({ ...baseAd, title: 'abc', price: '-5', email: 'not-an-email', body: 'Short <b>x</b>' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="title-error"');
    expect(res.body).toContain('Price cannot be negative');
    expect(res.body).toContain('Enter a valid e-mail address');
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain('Short &lt;b&gt;x&lt;/b&gt;');
    expect(res.body).toContain('value="Lincoln Park"');
  });

  it('refuses unknown cities and categories, and absurd prices', async () => {
    const res = await postAd({ ...baseAd, title: 'Unknown places test', city: 'atlantis', category: 'unicorns', price: '99999999999999' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose a city from the list');
    expect(res.body).toContain('Choose a category from the list');
    expect(res.body).toContain('Price is too large');
  });

  it('validates the category fields', async () => {
    const res = await postAd({ ...baseAd, title: 'Honda Civic 2015', category: 'cars-trucks', f_year: '1700', f_mileage: 'lots' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="f_year-error"');
    expect(res.body).toContain('id="f_mileage-error"');
  });

  it('refuses a file that is not an image, and stores nothing', async () => {
    const before = await t.ctx.database.query<{ n: number }>('select count(*)::int as n from ads');
    const res = await postAd({ ...baseAd, title: 'Not an image test' }, [{ name: 'photos', filename: 'notes.txt', data: Buffer.from('hello, not a picture'), type: 'text/plain' }]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('notes.txt is not an image');
    const after = await t.ctx.database.query<{ n: number }>('select count(*)::int as n from ads');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses a truncated photo', async () => {
    const jpeg = await jpegWithGps();
    const res = await postAd({ ...baseAd, title: 'Truncated photo test' }, [{ name: 'photos', filename: 'cut.jpg', data: jpeg.subarray(0, Math.floor(jpeg.length / 2)) }]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('cut.jpg');
  });

  it('refuses a 13th photo with a clear message', async () => {
    const small = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } }).png().toBuffer();
    const files = Array.from({ length: 13 }, (_, i) => ({ name: 'photos', filename: `p${i}.png`, data: small, type: 'image/png' }));
    const res = await postAd({ ...baseAd, title: 'Thirteen photos test' }, files);
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('up to 12 photos');
  });

  it('refuses a form without the CSRF token', async () => {
    const body = multipart({ ...baseAd, title: 'No csrf test' });
    const res = await t.app.inject({ method: 'POST', url: '/post', payload: body.payload, headers: body.headers });
    expect(res.statusCode).toBe(403);
  });

  it('rejects a prohibited ad after confirmation, with a reason the poster can read', async () => {
    const res = await postAd({ ...baseAd, title: 'Fake IDs any state', body: 'Novelty ID cards, fake passports, fast delivery.', email: 'bad@example.com', category: 'electronics' });
    expect(res.statusCode).toBe(303);
    const { res: confirmed } = await confirmFromMail('bad@example.com');
    expect(confirmed.body).toContain('data-state="rejected"');
    expect(t.mailer.lastTo('bad@example.com')!.subject).toContain('not published');
  });

  it('answers a bogus confirmation link with 404', async () => {
    expect((await t.app.inject({ url: '/confirm/1/not-the-token' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/manage/999999/x' })).statusCode).toBe(404);
  });
});

describe('lifecycle', () => {
  it('reminds three days before expiry and expires the ad after', async () => {
    await postAd({ ...baseAd, title: 'Bookshelf, white, tall', email: 'life@example.com', category: 'furniture' });
    await confirmFromMail('life@example.com');
    t.clock.advanceHours(24 * 28);
    const first = await t.ctx.lifecycle.run();
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    expect(t.mailer.lastTo('life@example.com')!.subject).toContain('expires soon');
    t.clock.advanceHours(24 * 3);
    const second = await t.ctx.lifecycle.run();
    expect(second.expired).toBeGreaterThanOrEqual(1);
    expect((await t.app.inject({ url: '/search?q=bookshelf' })).body).not.toContain('Bookshelf, white, tall');
  });
});

describe('oversized uploads', () => {
  it('refuses a photo over the size limit with 413 and stores nothing', async () => {
    const before = await t.ctx.database.query<{ n: number }>('select count(*)::int as n from ads');
    const huge = Buffer.alloc(16 * 1024 * 1024, 1);
    const res = await postAd({ ...baseAd, title: 'Huge upload test' }, [{ name: 'photos', filename: 'huge.jpg', data: huge }]);
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('at most 15 MB');
    const after = await t.ctx.database.query<{ n: number }>('select count(*)::int as n from ads');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses a decompression bomb', async () => {
    // A small PNG whose header is rewritten to declare 30,000 x 30,000 pixels.
    const bomb = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#000' } }).png().toBuffer();
    bomb.writeUInt32BE(30000, 16);
    bomb.writeUInt32BE(30000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    const res = await postAd({ ...baseAd, title: 'Bomb upload test' }, [{ name: 'photos', filename: 'bomb.png', data: bomb, type: 'image/png' }]);
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('too large');
  });
});
