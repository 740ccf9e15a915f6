/** Departments (Perangkat Daerah) and their API tokens (DESIGN.md, "Department"). */

/** A name as it is stored and compared: no surrounding space, single spaces inside. */
export function normalizeDepartmentName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/**
 * `lnt_` and 32 random bytes in base64url (43 characters). The prefix lets secret scanners and
 * people recognize a leaked Lentera token; the length is checked before any lookup.
 */
export const API_TOKEN_PREFIX = 'lnt_';
export const API_TOKEN_SECRET_LENGTH = 43;
export const API_TOKEN_PATTERN = new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{${API_TOKEN_SECRET_LENGTH}}$`);

export function looksLikeApiToken(value: string): boolean {
  return API_TOKEN_PATTERN.test(value);
}

export interface Department {
  id: number;
  name: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** One line of the administrator's list. */
export interface DepartmentListItem extends Department {
  /** Officer accounts (role `department`) that are active. */
  officerCount: number;
  /** API tokens not revoked. */
  tokenCount: number;
}

/** An officer of a department, as the department page lists them. */
export interface DepartmentOfficer {
  id: number;
  name: string;
  email: string;
  active: boolean;
  hasPassword: boolean;
}

/** A token as the administrator sees it: never the token itself, which is kept nowhere. */
export interface ApiTokenListItem {
  id: number;
  departmentId: number;
  label: string;
  createdAt: Date;
  createdByName: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who a presented token speaks for. */
export interface ApiTokenHolder {
  tokenId: number;
  departmentId: number;
}
