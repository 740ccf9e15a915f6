import type { Db } from './db';
import type { Partner, PartnerContact, PartnerFields, PartnerType } from '../domain/partners';

interface PartnerRow {
  id: number;
  name: string;
  type: PartnerType;
  phone: string;
  email: string;
  address: string;
  areas_served: string;
  active: number;
  created_at: string;
  updated_at: string;
}

const toPartner = (r: PartnerRow): Partner => ({
  id: r.id,
  name: r.name,
  type: r.type,
  phone: r.phone,
  email: r.email,
  address: r.address,
  areasServed: r.areas_served === '' ? [] : r.areas_served.split(','),
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toContact = ({ id, name, type, phone, email, address }: Partner): PartnerContact => ({ id, name, type, phone, email, address });

/**
 * Partner institutions. There is no delete: a partner a report was redirected to stays for the
 * record, and one no longer used is deactivated instead.
 */
export function createPartnerRepository(db: Db) {
  const all = db.prepare('SELECT * FROM partners ORDER BY active DESC, name COLLATE NOCASE, id');
  const active = db.prepare('SELECT * FROM partners WHERE active = 1 ORDER BY name COLLATE NOCASE, id');
  const byId = db.prepare('SELECT * FROM partners WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO partners (name, type, phone, email, address, areas_served, active, created_at, updated_at)
     VALUES (@name, @type, @phone, @email, @address, @areasServed, 1, @at, @at)`,
  );
  const update = db.prepare(
    `UPDATE partners SET name = @name, type = @type, phone = @phone, email = @email, address = @address,
       areas_served = @areasServed, updated_at = @at WHERE id = @id`,
  );
  const setActive = db.prepare('UPDATE partners SET active = ?, updated_at = ? WHERE id = ?');
  const idByName = db.prepare('SELECT id FROM partners WHERE name = ? COLLATE NOCASE').pluck();
  const redirectCount = db.prepare('SELECT count(*) FROM redirects WHERE partner_id = ?').pluck();

  const params = (fields: PartnerFields, at: Date) => ({
    name: fields.name,
    type: fields.type,
    phone: fields.phone,
    email: fields.email,
    address: fields.address,
    areasServed: fields.areasServed.join(','),
    at: at.toISOString(),
  });

  return {
    /** Every partner, active first, then by name (the administrator's list). */
    listAll(): Partner[] {
      return (all.all() as PartnerRow[]).map(toPartner);
    },

    /** Active partners by name: the choices of the redirect decision form. */
    listActive(): PartnerContact[] {
      return (active.all() as PartnerRow[]).map(toPartner).map(toContact);
    },

    /** A partner, active or not (a redirect keeps pointing at a partner deactivated since). */
    findById(id: number): Partner | undefined {
      const row = byId.get(id) as PartnerRow | undefined;
      return row ? toPartner(row) : undefined;
    },

    /** The partner with this name (case-insensitive), if any. */
    idByName(name: string): number | undefined {
      return idByName.get(name) as number | undefined;
    },

    create(fields: PartnerFields, at: Date): number {
      return Number(insert.run(params(fields, at)).lastInsertRowid);
    },

    /** False when there is no such partner. */
    update(id: number, fields: PartnerFields, at: Date): boolean {
      return update.run({ ...params(fields, at), id }).changes === 1;
    },

    setActive(id: number, isActive: boolean, at: Date): boolean {
      return setActive.run(isActive ? 1 : 0, at.toISOString(), id).changes === 1;
    },

    /** How many redirects name this partner (shown so the administrator knows why there is no delete). */
    redirectCount(id: number): number {
      return redirectCount.get(id) as number;
    },
  };
}

export type PartnerRepository = ReturnType<typeof createPartnerRepository>;
