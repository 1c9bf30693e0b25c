/**
 * What relay tests share: a published ad inserted directly (no screening, no mail, a fixed poster
 * address), and the inbound SMTP listener with a nodemailer client for replies by mail.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { startRelaySmtp, type RelaySmtpListener } from '../../src/messaging/relay-smtp.ts';
import type { TestApp } from './test-app.ts';

/** A published furniture ad in Chicago from `email`; returns its id and public path. */
export async function insertPublishedAd(t: TestApp, ad: { email: string; title: string; body: string }): Promise<{ id: number; path: string }> {
  const city = t.ctx.places.cities.find((c) => c.slug === 'chicago') ?? t.ctx.places.cities[0]!;
  const category = t.ctx.places.categories.find((c) => c.slug === 'furniture') ?? t.ctx.places.categories[0]!;
  const now = t.clock.now;
  const id = await t.ctx.ads.insertWithPhotos(
    {
      state: 'published',
      email: ad.email,
      cityId: city.id,
      categoryId: category.id,
      title: ad.title,
      body: ad.body,
      linkNonce: 'n',
      itemFingerprint: `fp-${Math.random()}`,
      createdAt: now,
      publishedAt: now,
      bumpedAt: now,
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    },
    [],
  );
  const page = await t.app.inject({ method: 'GET', url: `/${city.slug}/${category.slug}/x-${id}` });
  const path = page.statusCode === 301 ? String(page.headers.location) : `/${city.slug}/${category.slug}/x-${id}`;
  return { id, path };
}

/** The relay's inbound SMTP listener on a free local port, and a client that sends to it. */
export async function startRelayMail(t: TestApp): Promise<{ smtp: RelaySmtpListener; client: Transporter; close(): Promise<void> }> {
  const smtp = await startRelaySmtp({ relay: t.ctx.relay, port: 0, host: '127.0.0.1' });
  const client = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  return {
    smtp,
    client,
    async close() {
      client.close();
      await smtp.close();
    },
  };
}
