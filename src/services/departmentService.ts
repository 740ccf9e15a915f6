import type { Transactor } from '../data/transaction';
import type { Department, DepartmentListItem, DepartmentOfficer, DepartmentRepository } from '../data/departmentRepository';
import type { ApiTokenListItem, ApiTokenRepository } from '../data/apiTokenRepository';
import type { AuditRepository } from '../data/auditRepository';
import { normalizeDepartmentName } from '../domain/departments';
import { HttpError } from '../errors';

export type DepartmentChangeResult = { ok: true; id: number } | { ok: false; reason: 'name_taken' };

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

  function existing(id: number): Department {
    const department = departments.findById(id);
    if (!department) throw new HttpError(404, `No department ${id}`);
    return department;
  }

  /** Two departments of the same name could not be told apart on the invitation form or in the queue. */
  const nameTakenByOther = (name: string, id: number | null) => {
    const holder = departments.idByName(name);
    return holder !== undefined && holder !== id;
  };

  return {
    listAll: (): DepartmentListItem[] => departments.listAll(),

    /** A department or 404. */
    get: existing,

    page(id: number): DepartmentPage {
      const department = existing(id);
      return { department, officers: departments.officers(id), tokens: apiTokens.listForDepartment(id) };
    },

    create(actorAccountId: number, rawName: string): DepartmentChangeResult {
      const name = normalizeDepartmentName(rawName);
      const at = now();
      return transaction(() => {
        if (nameTakenByOther(name, null)) return { ok: false, reason: 'name_taken' } as const;
        const id = departments.create(name, at);
        audit.append({ actorAccountId, action: 'department.created', subjectType: 'department', subjectId: id }, at);
        return { ok: true, id } as const;
      });
    },

    rename(actorAccountId: number, id: number, rawName: string): DepartmentChangeResult {
      const name = normalizeDepartmentName(rawName);
      const at = now();
      return transaction(() => {
        const before = existing(id);
        if (nameTakenByOther(name, id)) return { ok: false, reason: 'name_taken' } as const;
        if (before.name === name) return { ok: true, id } as const; // nothing changed, nothing to record
        departments.rename(id, name, at);
        audit.append({ actorAccountId, action: 'department.renamed', subjectType: 'department', subjectId: id }, at);
        return { ok: true, id } as const;
      });
    },

    /** Deactivates the department and revokes its API tokens; returns how many tokens were revoked. */
    deactivate(actorAccountId: number, id: number): { tokensRevoked: number } {
      const at = now();
      return transaction(() => {
        if (!existing(id).active) return { tokensRevoked: 0 };
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
        return { tokensRevoked: revoked.length };
      });
    },

    /** Reactivates the department. Its revoked tokens stay revoked: issue new ones. */
    reactivate(actorAccountId: number, id: number): void {
      const at = now();
      transaction(() => {
        if (existing(id).active) return;
        departments.setActive(id, true, at);
        audit.append({ actorAccountId, action: 'department.reactivated', subjectType: 'department', subjectId: id }, at);
      });
    },
  };
}

export type DepartmentService = ReturnType<typeof createDepartmentService>;
