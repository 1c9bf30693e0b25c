/**
 * The signed-in person, if the accounts session hook (src/http/account-session.ts) has set
 * `request.user`; read defensively so favourites and alerts work with or without accounts.
 */
import type { FastifyRequest } from 'fastify';

export interface CurrentUser {
  id: number;
  email: string;
  emailVerified: boolean;
}

export function currentUser(request: FastifyRequest): CurrentUser | null {
  const u = (request as unknown as { user?: unknown }).user as Partial<CurrentUser> | null | undefined;
  if (!u || typeof u.id !== 'number') return null;
  return { id: u.id, email: typeof u.email === 'string' ? u.email : '', emailVerified: u.emailVerified === true };
}
