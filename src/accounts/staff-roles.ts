/** The staff roles, from least to most powerful. Everyone else has role 'user'. */
export const STAFF_ROLES = ['moderator', 'senior_moderator', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(role: unknown): role is StaffRole {
  return typeof role === 'string' && (STAFF_ROLES as readonly string[]).includes(role);
}

export const ROLE_NAMES: Record<StaffRole, string> = { moderator: 'Moderator', senior_moderator: 'Senior moderator', admin: 'Admin' };
