/**
 * An ad whose request died between confirmation and the screening verdict (a crash, or screening
 * itself failing) is not left waiting for ever: upkeep screens it again after ten minutes, applies
 * the verdict and mails the poster, as the request would have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdScreener, ScreeningVerdict } from '../src/listings/screening-hook.ts';
import { csrfOf, multipart, postAndConfirmAd } from './helpers/post-ad.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let screeningDown = false;
const screener: AdScreener = {
  async screen(): Promise<ScreeningVerdict> {
    if (screeningDown) throw new Error('screening service unavailable');
    return { decision: 'publish', score: 0, labels: [], reasons: [], statement: '', group: null };
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ screener });
});
afterAll(async () => t?.close());

const stateOf = async (id: number) => (await t.ctx.database.query<{ state: string }>('select state from ads where id = $1', [id]))[0]!.state;

describe('ads stuck before screening', () => {
  it('are screened again by upkeep once they have waited ten minutes, and the poster is told', async () => {
    // A first ad posts normally, to learn the form; the second one's confirmation fails mid-way.
    await postAndConfirmAd(t, { title: 'Maple chest of drawers', email: 'stalled-warmup@example.com' });
    screeningDown = true;
    // The confirmation page is an error page, not the "live" outcome the helper expects.
    await expect(postAndConfirmAd(t, { title: 'Birch shoe rack', email: 'stalled@example.com' })).rejects.toThrow();
    screeningDown = false;
    const [ad] = await t.ctx.database.query<{ id: number; state: string }>(`select id, state from ads where email = 'stalled@example.com'`);
    expect(ad!.state).toBe('pending');
    const mailsBefore = t.mailer.sent.filter((m) => m.to === 'stalled@example.com').length;

    // Too early: a request may still be screening it.
    expect((await t.ctx.lifecycle.run()).rescreened).toBe(0);
    expect(await stateOf(ad!.id)).toBe('pending');

    t.clock.advanceHours(1);
    const report = await t.ctx.lifecycle.run();
    expect(report.rescreened).toBe(1);
    expect(report.rescreenFailed).toBe(0);
    expect(await stateOf(ad!.id)).toBe('published');
    const mails = t.mailer.sent.filter((m) => m.to === 'stalled@example.com');
    expect(mails.length).toBe(mailsBefore + 1);
    expect(mails.at(-1)!.subject).toMatch(/live/i);
    expect((await t.app.inject({ url: '/search?q=birch+shoe+rack' })).body).toContain('Birch shoe rack');
  });

  it('leave an ad pending while screening keeps failing, counted, and try again on the next run', async () => {
    const { managePath, id } = await postAndConfirmAd(t, { title: 'Walnut side table', email: 'stalled-edit@example.com' });
    screeningDown = true;
    const { token, cookie } = await csrfOf(t, managePath);
    const fields = { title: 'Walnut side table, refinished', body: 'Solid walnut, refinished last month. Pick up only.', price: '90', country: 'united-states', city: 'chicago', category: 'furniture', contact_mode: 'relay', _csrf: token };
    const body = multipart(fields);
    const edit = await t.app.inject({ method: 'POST', url: `${managePath}/edit`, payload: body.payload, headers: { ...body.headers, cookie } });
    expect(edit.statusCode).toBe(500);
    expect(await stateOf(id)).toBe('pending');

    t.clock.advanceHours(1);
    const stillDown = await t.ctx.lifecycle.run();
    expect(stillDown.rescreenFailed).toBe(1);
    expect(await stateOf(id)).toBe('pending');

    screeningDown = false;
    const recovered = await t.ctx.lifecycle.run();
    expect(recovered.rescreened).toBe(1);
    // An edit of a live ad that stays live goes back on the site without a mail.
    expect(await stateOf(id)).toBe('published');
    const page = await t.app.inject({ url: `/api/v1/ads/${id}` });
    expect(page.json().title).toBe('Walnut side table, refinished');
  });
});
