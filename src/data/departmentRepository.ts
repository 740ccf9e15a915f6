import type { Db } from './db';
import type { Department, DepartmentListItem, DepartmentOfficer } from '../domain/departments';

interface DepartmentRow {
  id: number;
  name: string;
  active: number;
  created_at: string;
  updated_at: string;
}

interface ListRow extends DepartmentRow {
  officer_count: number;
  token_count: number;
}

interface OfficerRow {
  id: number;
  name: string;
  email: string;
  active: number;
  has_password: number;
}

const toDepartment = (r: DepartmentRow): Department => ({
  id: r.id,
  name: r.name,
  active: r.active === 1,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/**
 * Departments (Perangkat Daerah). There is no delete: referrals and accounts keep pointing at a
 * department, and one that no longer refers is deactivated instead.
 */
export function createDepartmentRepository(db: Db) {
  const all = db.prepare(
    `SELECT d.*,
       (SELECT count(*) FROM accounts a WHERE a.department_id = d.id AND a.role = 'department' AND a.active = 1) AS officer_count,
       (SELECT count(*) FROM api_tokens k WHERE k.department_id = d.id AND k.revoked_at IS NULL) AS token_count
     FROM departments d ORDER BY d.active DESC, d.name COLLATE NOCASE, d.id`,
  );
  const byId = db.prepare('SELECT * FROM departments WHERE id = ?');
  // NOCASE folds ASCII letters, which is what department names are written in.
  const idByName = db.prepare('SELECT id FROM departments WHERE name = ? COLLATE NOCASE').pluck();
  const insert = db.prepare('INSERT INTO departments (name, active, created_at, updated_at) VALUES (?, 1, ?, ?)');
  const rename = db.prepare('UPDATE departments SET name = ?, updated_at = ? WHERE id = ?');
  const setActive = db.prepare('UPDATE departments SET active = ?, updated_at = ? WHERE id = ?');
  const officers = db.prepare(
    `SELECT id, name, email, active, password_hash IS NOT NULL AS has_password FROM accounts
     WHERE department_id = ? AND role = 'department' ORDER BY active DESC, name COLLATE NOCASE, id`,
  );

  return {
    /** Every department, active first, then by name, with its counts. */
    listAll(): DepartmentListItem[] {
      return (all.all() as ListRow[]).map((r) => ({ ...toDepartment(r), officerCount: r.officer_count, tokenCount: r.token_count }));
    },

    findById(id: number): Department | undefined {
      const row = byId.get(id) as DepartmentRow | undefined;
      return row ? toDepartment(row) : undefined;
    },

    /** The department with this name, ignoring case, if any (active or not). */
    idByName(name: string): number | undefined {
      return idByName.get(name) as number | undefined;
    },

    create(name: string, at: Date): number {
      const iso = at.toISOString();
      return Number(insert.run(name, iso, iso).lastInsertRowid);
    },

    rename(id: number, name: string, at: Date): void {
      rename.run(name, at.toISOString(), id);
    },

    setActive(id: number, active: boolean, at: Date): void {
      setActive.run(active ? 1 : 0, at.toISOString(), id);
    },

    /** Officer accounts of the department, active first. */
    officers(id: number): DepartmentOfficer[] {
      return (officers.all(id) as OfficerRow[]).map((r) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        active: r.active === 1,
        hasPassword: r.has_password === 1,
      }));
    },
  };
}

export type DepartmentRepository = ReturnType<typeof createDepartmentRepository>;
