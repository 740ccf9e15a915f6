import type { Transactor } from '../data/transaction';
import type { PartnerRepository } from '../data/partnerRepository';
import type { AuditRepository } from '../data/auditRepository';
import type { Partner, PartnerContact, PartnerFields } from '../domain/partners';
import { done, refuse, type Outcome } from '../domain/outcome';

/** A change refused for a reason the form can show (`name_taken`), or for no such partner (`not_found`: 404). */
export type PartnerChange = Outcome<{ id: number }, 'name_taken' | 'not_found'>;

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

  function setActive(actorAccountId: number, id: number, active: boolean): Outcome<object, 'not_found'> {
    const at = now();
    return transaction(() => {
      const partner = partners.findById(id);
      if (!partner) return refuse('not_found');
      if (partner.active === active) return done(); // already so: nothing changed, nothing to record
      partners.setActive(id, active, at);
      audit.append(
        { actorAccountId, action: active ? 'partner.reactivated' : 'partner.deactivated', subjectType: 'partner', subjectId: id },
        at,
      );
      return done();
    });
  }

  return {
    listAll: (): Partner[] => partners.listAll(),
    /** Active partners for the redirect decision form. */
    listActive: (): PartnerContact[] => partners.listActive(),
    findById: (id: number): Partner | undefined => partners.findById(id),
    redirectCount: (id: number) => partners.redirectCount(id),

    create(actorAccountId: number, fields: PartnerFields): PartnerChange {
      const at = now();
      return transaction((): PartnerChange => {
        // Two partners of the same name could not be told apart on the redirect form.
        if (partners.idByName(fields.name) !== undefined) return refuse('name_taken');
        const id = partners.create(fields, at);
        audit.append(
          { actorAccountId, action: 'partner.created', subjectType: 'partner', subjectId: id, detail: { type: fields.type } },
          at,
        );
        return done({ id });
      });
    },

    update(actorAccountId: number, id: number, fields: PartnerFields): PartnerChange {
      const at = now();
      return transaction((): PartnerChange => {
        const before = partners.findById(id);
        if (!before) return refuse('not_found');
        const sameName = partners.idByName(fields.name);
        if (sameName !== undefined && sameName !== id) return refuse('name_taken');
        // Which fields changed, by name only: the values stay out of the log.
        const changed: string[] = (['name', 'type', 'phone', 'email', 'address'] as const).filter((k) => before[k] !== fields[k]);
        if (before.areasServed.join(',') !== fields.areasServed.join(',')) changed.push('areasServed');
        if (changed.length === 0) return done({ id });
        partners.update(id, fields, at);
        audit.append(
          { actorAccountId, action: 'partner.updated', subjectType: 'partner', subjectId: id, detail: { changed: changed.join(',') } },
          at,
        );
        return done({ id });
      });
    },

    deactivate: (actorAccountId: number, id: number) => setActive(actorAccountId, id, false),
    reactivate: (actorAccountId: number, id: number) => setActive(actorAccountId, id, true),
  };
}

export type PartnerService = ReturnType<typeof createPartnerService>;
