/** Posting and confirming an ad through the site's own forms, as a poster without an account does. */
import { expect } from 'vitest';
import { linkFrom, type TestApp } from './test-app.ts';

/** A form page's CSRF token and the cookies that go with it. */
export async function csrfOf(t: Pick<TestApp, 'app'>, url: string): Promise<{ token: string; cookie: string }> {
  const res = await t.app.inject({ method: 'GET', url });
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
  return { token, cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

/** Posts a furniture ad in Chicago and confirms it from the mail; returns its id, public page and private manage page. */
export async function postAndConfirmAd(t: TestApp, ad: { title: string; email: string }): Promise<{ id: number; adPath: string; managePath: string }> {
  const boundary = '----posttest';
  const { token, cookie } = await csrfOf(t, '/post');
  const fields: Record<string, string> = {
    title: ad.title,
    body: 'Solid wood, good condition, pick up only. Measurements in the photos on request.',
    price: '120',
    country: 'united-states',
    city: 'chicago',
    category: 'furniture',
    email: ad.email,
    contact_mode: 'relay',
    _csrf: token,
    _action: 'submit',
  };
  const payload =
    Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') + `--${boundary}--\r\n`;
  const posted = await t.app.inject({ method: 'POST', url: '/post', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie } });
  expect(posted.statusCode).toBe(303);
  const mail = t.mailer.lastTo(ad.email)!;
  const confirm = linkFrom(mail.text, '/confirm/');
  const c = await csrfOf(t, confirm);
  const res = await t.app.inject({ method: 'POST', url: confirm, payload: { _csrf: c.token }, headers: { cookie: c.cookie } });
  expect(res.body).toContain('data-state="published"');
  const adPath = /href="(\/chicago\/furniture\/[^"]+)"/.exec(res.body)?.[1];
  expect(adPath, 'the confirmation page links to the ad').toBeDefined();
  return { id: Number(/-(\d+)$/.exec(adPath!)![1]), adPath: adPath!, managePath: linkFrom(mail.text, '/manage/') };
}
