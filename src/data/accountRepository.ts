import type { Db } from './db';
import type { CurrentAccount, Role } from '../domain/roles';
import { isApprovalSettled, type AccountListItem, type Approval, type PendingApproval } from '../domain/accounts';

/** Everything sign-in needs about an account: the hashes and the second factor, never shown. */
export interface AccountCredentials extends CurrentAccount {
  active: boolean;
  /** Null when no approval was needed; see domain/accounts.ts. */
  approval: Approval | null;
  passwordHash: string | null;
  totpSecretEnc: string | null;
  totpLastStep: number | null;
}

export interface NewAccount {
  email: string;
  name: string;
  role: Role;
  departmentId: number | null;
  passwordHash: string | null;
  /** Set (to the administrator's id) when the account waits for a supervisor's approval. */
  approvalRequestedBy?: number;
}

interface CredentialsRow extends AccountRow {
  approval: Approval | null;
  password_hash: string | null;
  totp_secret_enc: string | null;
  totp_last_step: number | null;
}

interface ListRow extends AccountRow {
  department_name: string | null;
  has_password: number;
  totp_enrolled: number;
  created_at: string;
  approval: Approval | null;
  requested_by_name: string | null;
  decided_by_name: string | null;
  approval_decided_at: string | null;
}

interface AccountRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  department_id: number | null;
  active: number;
}

const toCurrent = (r: AccountRow): CurrentAccount => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  departmentId: r.department_id,
});

/** An account that may act: active, and not waiting for (or refused) a supervisor's approval. */
const usable = "active = 1 AND (approval IS NULL OR approval = 'approved')";

/** Staff and department accounts. */
export function createAccountRepository(db: Db) {
  const byId = db.prepare('SELECT id, email, name, role, department_id, active, approval FROM accounts WHERE id = ?');
  const activeByRole = db.prepare(
    `SELECT id, email, name, role, department_id, active FROM accounts WHERE role = ? AND ${usable} ORDER BY name`,
  );
  return {
    /** An account that may act, or undefined (deactivated accounts, and those awaiting or refused approval, cannot). */
    findActive(id: number): CurrentAccount | undefined {
      const row = byId.get(id) as (AccountRow & { approval: Approval | null }) | undefined;
      return row && row.active === 1 && isApprovalSettled(row.approval) ? toCurrent(row) : undefined;
    },

    listActiveByRole(role: Role): CurrentAccount[] {
      return (activeByRole.all(role) as AccountRow[]).map(toCurrent);
    },

    ...credentialStatements(db),
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;

const toCredentials = (r: CredentialsRow): AccountCredentials => ({
  ...toCurrent(r),
  active: r.active === 1,
  approval: r.approval,
  passwordHash: r.password_hash,
  totpSecretEnc: r.totp_secret_enc,
  totpLastStep: r.totp_last_step,
});

interface PendingRow {
  id: number;
  name: string;
  email: string;
  role: Role;
  approval_requested_by: number | null;
  requested_by_name: string | null;
  created_at: string;
}

const toPending = (r: PendingRow): PendingApproval => ({
  accountId: r.id,
  name: r.name,
  email: r.email,
  role: r.role,
  requestedBy: r.approval_requested_by,
  requestedByName: r.requested_by_name,
  requestedAt: new Date(r.created_at),
});

const toListItem = (r: ListRow): AccountListItem => ({
  ...toCurrent(r),
  departmentName: r.department_name,
  active: r.active === 1,
  hasPassword: r.has_password === 1,
  totpEnrolled: r.totp_enrolled === 1,
  createdAt: new Date(r.created_at),
  approval: r.approval,
  approvalRequestedByName: r.requested_by_name,
  approvalDecidedByName: r.decided_by_name,
  approvalDecidedAt: r.approval_decided_at === null ? null : new Date(r.approval_decided_at),
});

/** Accounts as sign-in, invitations and the administrator's pages use them. */
function credentialStatements(db: Db) {
  const credentialColumns = 'id, email, name, role, department_id, active, approval, password_hash, totp_secret_enc, totp_last_step';
  const credentialsById = db.prepare(`SELECT ${credentialColumns} FROM accounts WHERE id = ?`);
  const credentialsByEmail = db.prepare(`SELECT ${credentialColumns} FROM accounts WHERE email = ?`);
  const countAll = db.prepare('SELECT count(*) FROM accounts').pluck();
  const emailTaken = db.prepare('SELECT 1 FROM accounts WHERE email = ?').pluck();
  const insert = db.prepare(
    `INSERT INTO accounts (email, name, role, department_id, password_hash, approval, approval_requested_by, created_at, updated_at)
     VALUES (@email, @name, @role, @departmentId, @passwordHash, @approval, @approvalRequestedBy, @at, @at)`,
  );
  // Only a request still pending on an active account can be decided, and only once.
  const decideApproval = db.prepare(
    `UPDATE accounts SET approval = @approval, approval_decided_by = @by, approval_decided_at = @at, updated_at = @at,
       active = CASE WHEN @approval = 'refused' THEN 0 ELSE active END
     WHERE id = @id AND approval = 'pending' AND active = 1`,
  );
  const pendingApprovals = db.prepare(
    `SELECT a.id, a.name, a.email, a.role, a.approval_requested_by, r.name AS requested_by_name, a.created_at
     FROM accounts a LEFT JOIN accounts r ON r.id = a.approval_requested_by
     WHERE a.approval = 'pending' AND a.active = 1 ORDER BY a.id`,
  );
  const pendingApproval = db.prepare(
    `SELECT a.id, a.name, a.email, a.role, a.approval_requested_by, r.name AS requested_by_name, a.created_at
     FROM accounts a LEFT JOIN accounts r ON r.id = a.approval_requested_by
     WHERE a.id = ? AND a.approval = 'pending' AND a.active = 1`,
  );
  const setPassword = db.prepare('UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?');
  const setTotp = db.prepare('UPDATE accounts SET totp_secret_enc = ?, totp_last_step = ?, updated_at = ? WHERE id = ?');
  // A code works once: the step moves forward only, and only one request can move it.
  const advanceStep = db.prepare(
    'UPDATE accounts SET totp_last_step = @step WHERE id = @id AND (totp_last_step IS NULL OR totp_last_step < @step)',
  );
  const clearTotp = db.prepare('UPDATE accounts SET totp_secret_enc = NULL, totp_last_step = NULL, updated_at = ? WHERE id = ?');
  const setActive = db.prepare('UPDATE accounts SET active = ?, updated_at = ? WHERE id = ?');
  const listColumns = `a.id, a.email, a.name, a.role, a.department_id, a.active, a.created_at, d.name AS department_name,
            a.password_hash IS NOT NULL AS has_password, a.totp_secret_enc IS NOT NULL AS totp_enrolled,
            a.approval, requester.name AS requested_by_name, decider.name AS decided_by_name, a.approval_decided_at
     FROM accounts a LEFT JOIN departments d ON d.id = a.department_id
       LEFT JOIN accounts requester ON requester.id = a.approval_requested_by
       LEFT JOIN accounts decider ON decider.id = a.approval_decided_by`;
  const list = db.prepare(`SELECT ${listColumns} ORDER BY a.active DESC, a.name COLLATE NOCASE, a.id`);
  const listOne = db.prepare(`SELECT ${listColumns} WHERE a.id = ?`);
  const departments = db.prepare('SELECT id, name FROM departments WHERE active = 1 ORDER BY name COLLATE NOCASE');
  const departmentNameById = db.prepare('SELECT name FROM departments WHERE id = ?').pluck();
  const activeDepartment = db.prepare('SELECT 1 FROM departments WHERE id = ? AND active = 1').pluck();
  const departmentByName = db.prepare('SELECT id FROM departments WHERE name = ? COLLATE NOCASE AND active = 1').pluck();

  return {
    findCredentials(id: number): AccountCredentials | undefined {
      const row = credentialsById.get(id) as CredentialsRow | undefined;
      return row && toCredentials(row);
    },

    /** `email` already normalized (domain/accounts.ts). */
    findCredentialsByEmail(email: string): AccountCredentials | undefined {
      const row = credentialsByEmail.get(email) as CredentialsRow | undefined;
      return row && toCredentials(row);
    },

    count(): number {
      return countAll.get() as number;
    },

    isEmailTaken(email: string): boolean {
      return emailTaken.get(email) !== undefined;
    },

    insert(account: NewAccount, at: Date): number {
      const { approvalRequestedBy, ...fields } = account;
      return Number(
        insert.run({
          ...fields,
          approval: approvalRequestedBy === undefined ? null : 'pending',
          approvalRequestedBy: approvalRequestedBy ?? null,
          at: at.toISOString(),
        }).lastInsertRowid,
      );
    },

    /** Approves or refuses a pending request (a refused account is also deactivated); false when it was no longer pending. */
    decideApproval(id: number, approval: 'approved' | 'refused', by: number, at: Date): boolean {
      return decideApproval.run({ id, approval, by, at: at.toISOString() }).changes === 1;
    },

    listPendingApprovals(): PendingApproval[] {
      return (pendingApprovals.all() as PendingRow[]).map(toPending);
    },

    findPendingApproval(id: number): PendingApproval | undefined {
      const row = pendingApproval.get(id) as PendingRow | undefined;
      return row && toPending(row);
    },

    setPasswordHash(id: number, hash: string, at: Date): void {
      setPassword.run(hash, at.toISOString(), id);
    },

    setTotp(id: number, secretEnc: string, lastStep: number, at: Date): void {
      setTotp.run(secretEnc, lastStep, at.toISOString(), id);
    },

    /** False when this step (or a later one) was already used: the code is refused. */
    advanceTotpStep(id: number, step: number): boolean {
      return advanceStep.run({ id, step }).changes === 1;
    },

    clearTotp(id: number, at: Date): void {
      clearTotp.run(at.toISOString(), id);
    },

    setActive(id: number, active: boolean, at: Date): void {
      setActive.run(active ? 1 : 0, at.toISOString(), id);
    },

    listAll(): AccountListItem[] {
      return (list.all() as ListRow[]).map(toListItem);
    },

    findListItem(id: number): AccountListItem | undefined {
      const row = listOne.get(id) as ListRow | undefined;
      return row && toListItem(row);
    },

    departmentName(id: number): string | null {
      return (departmentNameById.get(id) as string | undefined) ?? null;
    },

    /** The departments an account may belong to. */
    listDepartmentChoices(): { id: number; name: string }[] {
      return departments.all() as { id: number; name: string }[];
    },

    isActiveDepartment(id: number): boolean {
      return activeDepartment.get(id) !== undefined;
    },

    activeDepartmentIdByName(name: string): number | undefined {
      return departmentByName.get(name) as number | undefined;
    },
  };
}
