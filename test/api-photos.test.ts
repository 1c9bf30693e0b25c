/**
 * Photos through the token-authenticated API: POST /api/v1/ads/{id}/photos (multipart, all or
 * nothing, 12 per ad, the posting form's pipeline and messages) and DELETE …/photos/{photoId}; the
 * edited ad is screened again, photo hashes against the hash banks included.
 */
import { readdirSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHashBankFile, pdqHash } from '../src/screening/images/index.ts';
import { HashBankStore } from '../src/screening-store/hash-banks.ts';
import { apiToken, createTestApp, type TestApp } from './helpers/test-app.ts';
import { patternImage } from './helpers/post-ad.ts';

let t: TestApp;
let token = '';
let otherToken = '';
/** A pattern whose PDQ hash is in a "review" hash bank imported before any ad is screened. */
let bannedImage: Buffer;


function multipart(files: { name?: string; filename: string; data: Buffer; type?: string }[]) {
  const boundary = '----corkboardapitest';
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name ?? 'photos'}"; filename="${f.filename}"\r\nContent-Type: ${f.type ?? 'image/png'}\r\n\r\n`));
    parts.push(f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), 'content-type': `multipart/form-data; boundary=${boundary}` };
}

const upload = (adId: number, files: Parameters<typeof multipart>[0], auth = token) => {
  const { payload, 'content-type': type } = multipart(files);
  return t.app.inject({ method: 'POST', url: `/api/v1/ads/${adId}/photos`, payload, headers: { 'content-type': type, ...(auth ? { authorization: `Bearer ${auth}` } : {}) } });
};
const remove = (adId: number, photoId: number, auth = token) =>
  t.app.inject({ method: 'DELETE', url: `/api/v1/ads/${adId}/photos/${photoId}`, headers: { authorization: `Bearer ${auth}` } });

/** Every rendition file in the photo store. */
function storedFiles(): string[] {
  const root = path.join(t.dataDir, 'photos');
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => path.join(d.parentPath, d.name));
  } catch {
    return [];
  }
}

let adSeq = 0;
async function newAd(auth = token): Promise<number> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/ads',
    headers: { authorization: `Bearer ${auth}` },
    payload: { title: `Oak writing desk number ${++adSeq}`, body: 'Solid oak desk with two drawers, 120 by 60 cm. Pick up only.', price: 90, category: 'furniture', city: 'chicago' },
  });
  expect(res.statusCode).toBe(201);
  expect(res.json().state).toBe('published');
  return res.json().id;
}

beforeAll(async () => {
  t = await createTestApp();
  bannedImage = await patternImage(4242);
  const { hash } = await pdqHash(bannedImage);
  await new HashBankStore(t.ctx.database, 0).importBank(parseHashBankFile(`${hash}\n`, { name: 'test-api-goods', label: 'prohibited_goods', action: 'review' }));
  token = await apiToken(t, 'photo-api@example.com');
  otherToken = await apiToken(t, 'someone-else@example.com');
});
afterAll(async () => t?.close());

describe('POST /api/v1/ads/{id}/photos', () => {
  it('adds photos through the posting pipeline and lists them on the ad', async () => {
    const id = await newAd();
    const res = await upload(id, [
      { filename: 'front.png', data: await patternImage(1) },
      { filename: 'back.jpg', data: await patternImage(2, 'jpeg'), type: 'image/jpeg' },
    ]);
    expect(res.statusCode).toBe(201);
    const ad = res.json();
    expect(ad.state).toBe('published');
    expect(ad.photos).toHaveLength(2);
    expect(ad.photos[0]).toMatchObject({ id: expect.any(Number), width: 256, height: 256, medium: expect.stringMatching(new RegExp(`^/ad-photos/${id}/[A-Za-z0-9_-]+/.+-medium\\.webp$`)) });
    // The poster's own, private addresses (any state); the public ones are on the ad page and GET /api/v1/ads/{id}.
    const photo = await t.app.inject({ url: ad.photos[1].large });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toContain('image/webp');
    expect((await t.app.inject({ url: `/api/v1/ads/${id}` })).json().photos).toHaveLength(2);
    const [listed] = (await t.app.inject({ url: `/api/v1/ads?q=${encodeURIComponent(ad.title)}` })).json().items;
    expect(listed.photo_count).toBe(2);
    expect(listed.thumbnail).toMatch(/-thumb\.webp$/);
    const [row] = await t.ctx.database.query<{ n: number }>(`select count(*)::int as n from ad_photos where ad_id = $1 and pdq is not null`, [id]);
    expect(row!.n).toBe(2);
  });

  it('refuses a file that is not an image, and stores nothing of a batch with one bad file', async () => {
    const id = await newAd();
    const before = storedFiles().length;
    const bad = await upload(id, [
      { filename: 'good.png', data: await patternImage(3) },
      { filename: 'notes.txt', data: Buffer.from('not an image at all'), type: 'text/plain' },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect(bad.json().error.fields.photos).toBe('notes.txt is not an image we can read (use JPEG, PNG, WebP, GIF or HEIC).');
    expect(storedFiles().length).toBe(before);
    expect((await t.app.inject({ url: `/api/v1/ads/${id}` })).json().photos).toEqual([]);

    const empty = await t.app.inject({ method: 'POST', url: `/api/v1/ads/${id}/photos`, headers: { authorization: `Bearer ${token}` }, payload: { photos: [] } });
    expect(empty.statusCode).toBe(415);
    expect(empty.json().error.message).toContain('multipart/form-data');
  });

  it('refuses a decompression bomb with the posting form\'s message', async () => {
    const id = await newAd();
    const bomb = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#000' } }).png().toBuffer();
    bomb.writeUInt32BE(30000, 16);
    bomb.writeUInt32BE(30000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    const res = await upload(id, [{ filename: 'bomb.png', data: bomb }]);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toBe('bomb.png is too large (30000×30000 pixels); the limit is 50 megapixels.');
  });

  it('keeps an ad at 12 photos: more in all is a 400, more than 12 files at once a 413', async () => {
    const id = await newAd();
    const eleven = await Promise.all(Array.from({ length: 11 }, async (_, i) => ({ filename: `p${i}.png`, data: await patternImage(100 + i) })));
    expect((await upload(id, eleven)).statusCode).toBe(201);
    const twoMore = await upload(id, [
      { filename: 'a.png', data: await patternImage(200) },
      { filename: 'b.png', data: await patternImage(201) },
    ]);
    expect(twoMore.statusCode).toBe(400);
    expect(twoMore.json().error.fields.photos).toBe('You can add up to 12 photos; this ad has 13.');
    expect((await t.app.inject({ url: `/api/v1/ads/${id}` })).json().photos).toHaveLength(11);
    const thirteen = [...eleven, ...eleven.slice(0, 2)];
    const tooMany = await upload(await newAd(), thirteen);
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error.message).toBe('You can add up to 12 photos to an ad.');
  });

  it('answers 404 for someone else\'s ad and 401 without a token', async () => {
    const id = await newAd();
    const image = [{ filename: 'x.png', data: await patternImage(5) }];
    const other = await upload(id, image, otherToken);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.message).toBe('You have no ad with this id.');
    expect((await upload(id, image, '')).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/api/v1/ads/${id}` })).json().photos).toEqual([]);
  });

  it('screens the edited ad again: a photo in a hash bank holds it for review', async () => {
    const id = await newAd();
    const res = await upload(id, [{ filename: 'item.png', data: bannedImage }]);
    expect(res.statusCode).toBe(201);
    expect(res.json().state).toBe('held');
    expect((await t.app.inject({ url: `/api/v1/ads/${id}` })).statusCode).toBe(404);
    const [item] = await t.ctx.database.query<{ source: string }>(`select source from review_items where ad_id = $1 and state = 'open'`, [id]);
    expect(item!.source).toBe('hash_match');
  });
});

describe('DELETE /api/v1/ads/{id}/photos/{photoId}', () => {
  it('removes the photo and its files; other ads\' photos and unknown ids are 404', async () => {
    const id = await newAd();
    const added = (await upload(id, [
      { filename: 'one.png', data: await patternImage(11) },
      { filename: 'two.png', data: await patternImage(12) },
    ])).json();
    const before = storedFiles().length;
    const res = await remove(id, added.photos[0].id);
    expect(res.statusCode).toBe(200);
    expect(res.json().photos.map((p: { id: number }) => p.id)).toEqual([added.photos[1].id]);
    expect(storedFiles().length).toBe(before - 3);
    expect((await t.app.inject({ url: added.photos[0].medium })).statusCode).toBe(404);

    const otherAd = await newAd();
    expect((await remove(otherAd, added.photos[1].id)).statusCode).toBe(404);
    expect((await remove(id, 99999999)).json().error.message).toBe('This ad has no photo with this id.');
    expect((await remove(id, added.photos[1].id, otherToken)).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/ads/${id}` })).json().photos).toHaveLength(1);
  });
});

describe('OpenAPI', () => {
  it('documents the photo endpoints and the photos of an own ad', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/v1/ads/{id}/photos'].post.requestBody.content['multipart/form-data']).toBeDefined();
    expect(doc.paths['/api/v1/ads/{id}/photos'].post.responses['413']).toBeDefined();
    expect(doc.paths['/api/v1/ads/{id}/photos/{photoId}'].delete.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.schemas.OwnAd.properties.photos).toBeDefined();
  });
});
