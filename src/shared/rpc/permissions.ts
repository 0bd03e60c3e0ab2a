import { z } from 'zod';

export const roles = ['reviewer', 'supervisor', 'support', 'admin'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/**
 * Permissions are what the router checks; roles only bundle them. A channel names exactly one
 * permission (or is public / needs only a signed-in operator).
 */
export const permissions = [
  'review:work',
  'review:supervise',
  'review:configure',
  'portfolio:view',
  'borrowers:lookup',
  'pii:reveal',
  'pii:reveal-held-task',
  'pii:export-clear',
  'reports:view',
  'reports:export',
  'audit:view',
  'sync:view',
  'sync:manage',
  'institutions:manage',
  'settings:manage',
  'users:manage',
  'system:logs',
] as const;
export type Permission = (typeof permissions)[number];
export const permissionSchema = z.enum(permissions);

const rolePermissionTable: Record<Role, readonly Permission[]> = {
  reviewer: ['review:work', 'pii:reveal-held-task', 'borrowers:lookup', 'portfolio:view'],
  support: ['borrowers:lookup', 'portfolio:view', 'pii:reveal'],
  supervisor: [
    'review:work',
    'review:supervise',
    'pii:reveal-held-task',
    'pii:reveal',
    'borrowers:lookup',
    'portfolio:view',
    'reports:view',
    'reports:export',
    'audit:view',
    'sync:view',
  ],
  admin: permissions,
};

export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return new Set(rolePermissionTable[role]);
}

export function roleHas(role: Role, permission: Permission): boolean {
  return rolePermissionTable[role].includes(permission);
}
