/**
 * Who may see the staff pages. Anyone else (anonymous visitors, ordinary accounts) gets the site's
 * ordinary 404 page, the same bytes as any unknown address, so nothing reveals that the pages exist.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { sendError } from '../errors.ts';

export const STAFF_ROLES = ['moderator', 'senior_moderator', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffUser {
  id: number;
  email: string;
  role: StaffRole;
}

export function isStaffRole(role: unknown): role is StaffRole {
  return typeof role === 'string' && (STAFF_ROLES as readonly string[]).includes(role);
}

/** The signed-in staff member, or null for everyone else. */
export function staffUser(request: FastifyRequest): StaffUser | null {
  const u = request.user;
  if (!u || !isStaffRole(u.role)) return null;
  return { id: u.id, email: u.email, role: u.role };
}

/** The same error the not-found handler sends (src/http/errors.ts). */
export const notFound = () => new AppError('not_found', 'There is nothing at this address. The ad may have expired or been deleted.');

/**
 * preHandler for every staff route: answers 404 unless a moderator or above is signed in. Put it
 * before CSRF protection so a stranger's POST gets the same 404 as a GET.
 */
export async function staffOnly(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (!staffUser(request)) return sendError(request, reply, notFound());
  return undefined;
}
