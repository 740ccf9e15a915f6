/** Roles (DESIGN.md, "Who may do what"). Deny by default: a route names the roles it admits. */
export const roles = ['triage', 'caseworker', 'supervisor', 'admin', 'department'] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** The signed-in person, as every route and view sees them. */
export interface CurrentAccount {
  id: number;
  email: string;
  name: string;
  role: Role;
  departmentId: number | null;
}
