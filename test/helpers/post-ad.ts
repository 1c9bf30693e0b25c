/**
 * Posting and confirming ads in integration tests, two ways:
 * - through the site's own forms (`submitAd`, `confirmFromMail`, `postAndConfirmAd`), as a poster
 *   without an account does: CSRF token and cookie from the page, multipart POST /post, the
 *   confirmation link from the mail;
 * - through the ad service behind those forms (`postAdDirect`), from a given address, for tests
 *   that need many published ads and are about what happens to them afterwards.
 * Also the generated block-pattern images the screening tests hash (`patternImage`).
 */
import sharp from 'sharp';
import { expect } from 'vitest';
import { linkFrom, type TestApp } from './test-app.ts';

/** An ordinary furniture ad in Chicago, without the poster's address. */
export const bookcase = {
  title: 'Walnut bookcase, five shelves',
  body: 'Solid walnut bookcase, 180 cm tall, five adjustable shelves. Pick up only.',
  price: '120',
  city: 'chicago',
  category: 'furniture',
  contact_mode: 'relay',
} as const;

/** A form page's CSRF token and the cookies that go with it. */
export async function csrfOf(t: Pick<TestApp, 'app'>, url: string): Promise<{ token: string; cookie: string }> {
  const res = await t.app.inject({ method: 'GET', url });
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  expect(token, `csrf token on ${url}`).toBeTruthy();
  return { token: token!, cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

export interface FilePart {
  name: string;
  filename: string;
  data: Buffer;
  type?: string;
}

/** A multipart body as a browser would send it (a field given as an array is sent once per value). */
export function multipart(fields: Record<string, string | string[]>, files: FilePart[] = []) {
  const boundary = '----corkboardtest' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    for (const value of Array.isArray(v) ? v : [v]) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${value}\r\n`));
    }
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type ?? 'image/jpeg'}\r\n\r\n`));
    parts.push(f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Submits the /post form with `fields` (and photo files) as it stands; returns the response, whatever it is. */
export async function submitAd(t: TestApp, fields: Record<string, string | string[]>, files: FilePart[] = []) {
  const { token, cookie } = await csrfOf(t, '/post');
  const body = multipart({ ...fields, _csrf: token, _action: 'submit' }, files);
  return t.app.inject({ method: 'POST', url: '/post', payload: body.payload, headers: { ...body.headers, cookie } });
}

/** Follows the confirmation link of the last mail to `email` (the confirm page's form); returns the response and the mail's links. */
export async function confirmFromMail(t: TestApp, email: string) {
  const mail = t.mailer.lastTo(email)!;
  expect(mail, `a mail to ${email}`).toBeDefined();
  const confirmPath = linkFrom(mail.text, '/confirm/');
  const managePath = linkFrom(mail.text, '/manage/');
  const { token, cookie } = await csrfOf(t, confirmPath);
  const res = await t.app.inject({ method: 'POST', url: confirmPath, payload: { _csrf: token }, headers: { cookie } });
  return { res, mail, managePath, confirmPath };
}

/**
 * Posts an ad through the form (a furniture ad in Chicago unless `fields` say otherwise) and
 * confirms it from the mail; checks that the form answered 303 and the ad is published; returns
 * its id, public page and private manage page.
 */
export async function postAndConfirmAd(
  t: TestApp,
  ad: { title: string; email: string } & Record<string, string>,
  files: FilePart[] = [],
): Promise<{ id: number; adPath: string; managePath: string }> {
  const fields: Record<string, string> = {
    body: 'Solid wood, good condition, pick up only. Measurements in the photos on request.',
    price: '120',
    country: 'united-states',
    city: 'chicago',
    category: 'furniture',
    contact_mode: 'relay',
    ...ad,
  };
  const posted = await submitAd(t, fields, files);
  expect(posted.statusCode).toBe(303);
  const { res, managePath } = await confirmFromMail(t, ad.email);
  expect(res.body).toContain('data-state="published"');
  const adPath = new RegExp(`href="(/${fields.city}/${fields.category}/[^"]+)"`).exec(res.body)?.[1];
  expect(adPath, 'the confirmation page links to the ad').toBeDefined();
  return { id: Number(/-(\d+)$/.exec(adPath!)![1]), adPath: adPath!, managePath };
}

/**
 * Posts an ad through the ad service from `ip` (photos as uploads) and, unless `confirm` is false,
 * confirms it with the token from the confirmation mail. Returns its id, the poster's address,
 * the manage link, the confirmation mail and the ad as confirming left it (null when not confirmed).
 */
export async function postAdDirect(
  t: TestApp,
  fields: Record<string, unknown> & { email: string },
  opts: { ip?: string; photos?: { filename: string; data: Buffer }[]; confirm?: boolean } = {},
) {
  const ip = opts.ip ?? '127.0.0.1';
  const { id } = await t.ctx.adService.post(fields, opts.photos ?? [], ip);
  const mail = t.mailer.lastTo(fields.email.toLowerCase())!;
  const confirmed = opts.confirm === false ? null : await t.ctx.adService.confirm(id, linkFrom(mail.text, '/confirm/').split('/').pop()!, ip);
  return { id, email: fields.email, managePath: linkFrom(mail.text, '/manage/'), mail, confirmed };
}

/** A 256x256 pattern of 16 px blocks from a seeded generator: distinct per seed, high PDQ quality. */
export async function patternImage(seed: number, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const size = 256;
  const data = Buffer.alloc(size * size * 3);
  let s = seed >>> 0 || 1;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
  const blocks = Array.from({ length: 256 }, () => [rand(), rand(), rand()]);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set(blocks[(y >> 4) * 16 + (x >> 4)]!, (y * size + x) * 3);
  const img = sharp(data, { raw: { width: size, height: size, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg().toBuffer();
}

/**
 * "Ask for …" with six made-up names no other `n` gives (letters only: screening masks numbers), for
 * test files that post many ads from one template: appended to the body, it keeps their texts apart
 * (estimated Jaccard well under 0.8), so an ad removed earlier in the file does not put the next
 * ones on hold as re-posts (src/moderation/removed-content.ts).
 */
export function distinctNames(n: number): string {
  const syllables = [...'bdfgklmnprstvz'].flatMap((c) => [...'aeiou'].map((v) => c + v));
  const name = (k: number) => {
    const s = [0, 1, 2].map((i) => syllables[Math.floor(k / syllables.length ** i) % syllables.length]).join('');
    return s[0]!.toUpperCase() + s.slice(1);
  };
  return `Ask for ${Array.from({ length: 6 }, (_, i) => name(n * 6 + i + 1)).join(', ')}.`;
}
