import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appSettings } from '../db/schema.ts';

/**
 * The site's signing key lives in the database so every app node shares it without configuration.
 * The first node to start creates it; a concurrent start keeps whichever insert won.
 */
export async function loadOrCreateSiteKey(db: Db): Promise<Buffer> {
  const fresh = randomBytes(32).toString('base64');
  await db.insert(appSettings).values({ key: 'signing_key', value: fresh }).onConflictDoNothing();
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, 'signing_key'));
  return Buffer.from(row!.value, 'base64');
}
