import type { Transactor } from '../data/transaction';
import type { PartnerRepository } from '../data/partnerRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { Partner, PartnerFields } from '../domain/partners';
import { HttpError } from '../errors';

/** A change refused for a reason the form can show. */
export type PartnerChangeResult = { ok: true; id: number } | { ok: false; reason: 'name_taken' };

export interface PartnerServiceDeps {
  transaction: Transactor;
  partners: PartnerRepository;
  audit: AuditRepository;
  now: () => Date;
}

/**
 * The administrator's use cases for partner institutions. Each change and its audit event are
 * written in one transaction. There is no delete: deactivating keeps redirects pointing somewhere.
 */
export function createPartnerService(deps: PartnerServiceDeps) {
  const { transaction, partners, audit, now } = deps;

  function existing(id: number): Partner {
    const partner = partners.findById(id);
    if (!partner) throw new HttpError(404, `No partner ${id}`);
    return partner;
  }

  function setActive(actorAccountId: number, id: number, active: boolean): void {
    const at = now();
    transaction(() => {
      const partner = existing(id);
      if (partner.active === active) return; // already so: nothing changed, nothing to record
      partners.setActive(id, active, at);
      audit.append(
        { actorAccountId, action: active ? 'partner.reactivated' : 'partner.deactivated', subjectType: 'partner', subjectId: id },
        at,
      );
    });
  }

  return {
    listAll: () => partners.listAll(),
    /** Active partners for the redirect decision form. */
    listActive: () => partners.listActive(),
    findById: (id: number) => partners.findById(id),
    /** A partner or 404. */
    get: existing,
    redirectCount: (id: number) => partners.redirectCount(id),

    create(actorAccountId: number, fields: PartnerFields): PartnerChangeResult {
      const at = now();
      return transaction(() => {
        // Two partners of the same name could not be told apart on the redirect form.
        if (partners.idByName(fields.name) !== undefined) return { ok: false, reason: 'name_taken' } as const;
        const id = partners.create(fields, at);
        audit.append(
          { actorAccountId, action: 'partner.created', subjectType: 'partner', subjectId: id, detail: { type: fields.type } },
          at,
        );
        return { ok: true, id } as const;
      });
    },

    update(actorAccountId: number, id: number, fields: PartnerFields): PartnerChangeResult {
      const at = now();
      return transaction(() => {
        const before = existing(id);
        const sameName = partners.idByName(fields.name);
        if (sameName !== undefined && sameName !== id) return { ok: false, reason: 'name_taken' } as const;
        // Which fields changed, by name only: the values stay out of the log.
        const changed: string[] = (['name', 'type', 'phone', 'email', 'address'] as const).filter((k) => before[k] !== fields[k]);
        if (before.areasServed.join(',') !== fields.areasServed.join(',')) changed.push('areasServed');
        if (changed.length === 0) return { ok: true, id } as const;
        partners.update(id, fields, at);
        audit.append(
          { actorAccountId, action: 'partner.updated', subjectType: 'partner', subjectId: id, detail: { changed: changed.join(',') } },
          at,
        );
        return { ok: true, id } as const;
      });
    },

    deactivate: (actorAccountId: number, id: number) => setActive(actorAccountId, id, false),
    reactivate: (actorAccountId: number, id: number) => setActive(actorAccountId, id, true),
  };
}

export type PartnerService = ReturnType<typeof createPartnerService>;
