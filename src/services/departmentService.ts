import type { Transactor } from '../data/transaction';
import type { DepartmentRepository } from '../data/departmentRepository';
import type { ApiTokenRepository } from '../data/apiTokenRepository';
import type { AuditRepository } from '../data/auditRepository';
import {
  normalizeDepartmentName,
  type ApiTokenListItem,
  type Department,
  type DepartmentListItem,
  type DepartmentOfficer,
} from '../domain/departments';
import { done, refuse, type Outcome } from '../domain/outcome';

/** `not_found`: no department of that id (the route answers 404). */
export type DepartmentChange = Outcome<{ id: number }, 'name_taken' | 'not_found'>;
/** Deactivating answers how many API tokens went with it. */
export type DepartmentDeactivation = Outcome<{ tokensRevoked: number }, 'not_found'>;

export interface DepartmentPage {
  department: Department;
  officers: DepartmentOfficer[];
  tokens: ApiTokenListItem[];
}

export interface DepartmentServiceDeps {
  transaction: Transactor;
  departments: DepartmentRepository;
  apiTokens: ApiTokenRepository;
  audit: AuditRepository;
  now: () => Date;
}

/**
 * The administrator's use cases for departments. Each change and its audit event are written in
 * one transaction. There is no delete. Deactivating revokes the department's API tokens and
 * nothing else: its officers' accounts stay as they are (deactivate those on /staff/users), and
 * its referrals stay in the queue.
 */
export function createDepartmentService(deps: DepartmentServiceDeps) {
  const { transaction, departments, apiTokens, audit, now } = deps;

  /** Two departments of the same name could not be told apart on the invitation form or in the queue. */
  const nameTakenByOther = (name: string, id: number | null) => {
    const holder = departments.idByName(name);
    return holder !== undefined && holder !== id;
  };

  return {
    listAll: (): DepartmentListItem[] => departments.listAll(),

    get: (id: number): Department | undefined => departments.findById(id),

    page(id: number): DepartmentPage | undefined {
      const department = departments.findById(id);
      if (!department) return undefined;
      return { department, officers: departments.officers(id), tokens: apiTokens.listForDepartment(id) };
    },

    create(actorAccountId: number, rawName: string): DepartmentChange {
      const name = normalizeDepartmentName(rawName);
      const at = now();
      return transaction((): DepartmentChange => {
        if (nameTakenByOther(name, null)) return refuse('name_taken');
        const id = departments.create(name, at);
        audit.append({ actorAccountId, action: 'department.created', subjectType: 'department', subjectId: id }, at);
        return done({ id });
      });
    },

    rename(actorAccountId: number, id: number, rawName: string): DepartmentChange {
      const name = normalizeDepartmentName(rawName);
      const at = now();
      return transaction((): DepartmentChange => {
        const before = departments.findById(id);
        if (!before) return refuse('not_found');
        if (nameTakenByOther(name, id)) return refuse('name_taken');
        if (before.name === name) return done({ id }); // nothing changed, nothing to record
        departments.rename(id, name, at);
        audit.append({ actorAccountId, action: 'department.renamed', subjectType: 'department', subjectId: id }, at);
        return done({ id });
      });
    },

    /** Deactivates the department and revokes its API tokens; answers how many tokens were revoked. */
    deactivate(actorAccountId: number, id: number): DepartmentDeactivation {
      const at = now();
      return transaction((): DepartmentDeactivation => {
        const department = departments.findById(id);
        if (!department) return refuse('not_found');
        if (!department.active) return done({ tokensRevoked: 0 });
        departments.setActive(id, false, at);
        const revoked = apiTokens.revokeAllOfDepartment(id, at);
        audit.append(
          {
            actorAccountId,
            action: 'department.deactivated',
            subjectType: 'department',
            subjectId: id,
            detail: { tokensRevoked: revoked.length },
          },
          at,
        );
        for (const tokenId of revoked) {
          audit.append(
            {
              actorAccountId,
              action: 'api_token.revoked',
              subjectType: 'api_token',
              subjectId: tokenId,
              detail: { department: id, why: 'department_deactivated' },
            },
            at,
          );
        }
        return done({ tokensRevoked: revoked.length });
      });
    },

    /** Reactivates the department. Its revoked tokens stay revoked: issue new ones. */
    reactivate(actorAccountId: number, id: number): Outcome<object, 'not_found'> {
      const at = now();
      return transaction(() => {
        const department = departments.findById(id);
        if (!department) return refuse('not_found');
        if (department.active) return done();
        departments.setActive(id, true, at);
        audit.append({ actorAccountId, action: 'department.reactivated', subjectType: 'department', subjectId: id }, at);
        return done();
      });
    },
  };
}

export type DepartmentService = ReturnType<typeof createDepartmentService>;
