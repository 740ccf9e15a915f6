/** Departments (Perangkat Daerah) and their API tokens (DESIGN.md, "Department"). */

export const DEPARTMENT_NAME_MIN = 2;
export const DEPARTMENT_NAME_MAX = 200;
export const TOKEN_LABEL_MAX = 100;

/** A name as it is stored and compared: no surrounding space, single spaces inside. */
export function normalizeDepartmentName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/**
 * `lnt_` and 32 random bytes in base64url (43 characters). The prefix lets secret scanners and
 * people recognize a leaked Lentera token; the length is checked before any lookup.
 */
export const API_TOKEN_PREFIX = 'lnt_';
export const API_TOKEN_PATTERN = /^lnt_[A-Za-z0-9_-]{43}$/;

export function looksLikeApiToken(value: string): boolean {
  return API_TOKEN_PATTERN.test(value);
}
