import { describe, expect, it } from 'vitest';
import { roleHas, roles, type Role } from '../../shared/rpc/permissions';
import { startPage } from './navigation';

describe('startPage', () => {
  it('starts each role where its work is', () => {
    const starts = Object.fromEntries(roles.map((role: Role) => [role, startPage((permission) => roleHas(role, permission))]));
    expect(starts).toEqual({ reviewer: '/review/contacts', supervisor: '/review/inbox', support: '/borrowers', admin: '/review/inbox' });
  });
});
