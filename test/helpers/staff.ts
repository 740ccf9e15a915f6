import request from 'supertest';
import type { Lentera } from '../../src/bootstrap';
import type { Role } from '../../src/domain/roles';
import { totpCodeAt, totpStepAt, newTotpSecret } from '../../src/security/totp';
import { formBody, tokenFrom, type Agent } from './testApp';

/** A staff or department account made for a test: what its owner would know. */
export interface StaffAccount {
  id: number;
  email: string;
  name: string;
  role: Role;
  departmentId: number | null;
  password: string;
  totpSecret: string;
}

let made = 0;

/**
 * Creates an account through the account service, with a password and an enrolled second factor,
 * as if its owner had accepted an invitation and enrolled. A department officer without a
 * `departmentId` gets a new department of their own.
 */
export async function createStaffAccount(
  lentera: Lentera,
  options: { role: Role; email?: string; name?: string; departmentId?: number },
): Promise<StaffAccount> {
  made += 1;
  const { role } = options;
  const email = options.email ?? `${role}.${made}@lk3.test`;
  const name = options.name ?? `Uji ${role} ${made}`;
  const password = `kata sandi uji ${made} ${role}`;
  let departmentId = options.departmentId ?? null;
  if (role === 'department' && departmentId === null) {
    const at = lentera.now().toISOString();
    departmentId = Number(
      lentera.db.prepare('INSERT INTO departments (name, created_at, updated_at) VALUES (?, ?, ?)').run(`Dinas Uji ${made}`, at, at)
        .lastInsertRowid,
    );
  }
  const { accountService } = lentera.services;
  const created = await accountService.createFromCommandLine({ email, name, role, departmentId }, password);
  if (!created.ok) throw new Error(`createStaffAccount: ${created.problem}`);
  const totpSecret = newTotpSecret();
  const enrolled = await accountService.enrolTotp(created.id, totpSecret, await totpCodeAt(totpSecret, lentera.now()));
  if (!enrolled.ok) throw new Error(`createStaffAccount: enrolment refused (${enrolled.problem})`);
  return { id: created.id, email, name, role, departmentId, password, totpSecret };
}

/**
 * A code for the app's clock (createTestApp's `now`) that has not been used yet. A person cannot
 * sign in twice within one 30-second step, but tests do, many times: when this step's code is
 * spent, the helper forgets the spent step (the refusal of a reused code has its own test).
 */
export async function unusedCode(lentera: Lentera, account: Pick<StaffAccount, 'id' | 'totpSecret'>): Promise<string> {
  const at = lentera.now();
  const step = totpStepAt(at);
  const last = lentera.db.prepare('SELECT totp_last_step FROM accounts WHERE id = ?').pluck().get(account.id) as number | null;
  if (last !== null && last >= step) {
    lentera.db.prepare('UPDATE accounts SET totp_last_step = ? WHERE id = ?').run(step - 1, account.id);
  }
  return totpCodeAt(account.totpSecret, at);
}

/**
 * Signs in through the real pages — /login with the password, then /login/code with a code from
 * the secret (skipped when REQUIRE_2FA=false) — and returns where the app sent the person.
 */
export async function signIn(
  agent: Agent,
  lentera: Lentera,
  account: Pick<StaffAccount, 'id' | 'email' | 'password' | 'totpSecret'>,
  next?: string,
): Promise<string> {
  const loginPath = next ? `/login?next=${encodeURIComponent(next)}` : '/login';
  const token = await tokenFrom(agent, loginPath);
  const fields: Record<string, string> = { email: account.email, password: account.password, _csrf: token };
  if (next) fields.next = next;
  const afterPassword = await agent.post('/login').type('form').send(formBody(fields));
  if (afterPassword.status !== 303) throw new Error(`signIn: the password step answered ${afterPassword.status}`);
  if (afterPassword.headers.location !== '/login/code') return afterPassword.headers.location as string;
  const codeToken = await tokenFrom(agent, '/login/code');
  const code = await unusedCode(lentera, account);
  const afterCode = await agent
    .post('/login/code')
    .type('form')
    .send(formBody({ code, _csrf: codeToken }));
  if (afterCode.status !== 303) throw new Error(`signIn: the code step answered ${afterCode.status}`);
  return afterCode.headers.location as string;
}

/** A new agent (its own cookies) signed in as `account` through the real pages (see signIn). */
export async function signedInAgent(
  lentera: Lentera,
  account: Pick<StaffAccount, 'id' | 'email' | 'password' | 'totpSecret'>,
): Promise<Agent> {
  const agent = request.agent(lentera.app);
  await signIn(agent, lentera, account);
  return agent;
}

/**
 * One signed-in agent per role, for a new account of that role made at the first call and kept for
 * later calls. `lentera` is asked for at each call, so the app may be made later (in beforeAll).
 */
export function agentPerRole(lentera: () => Lentera): (role: Role) => Promise<Agent> {
  const agents: Partial<Record<Role, Agent>> = {};
  return async (role) => {
    const existing = agents[role];
    if (existing) return existing;
    const app = lentera();
    const agent = await signedInAgent(app, await createStaffAccount(app, { role }));
    agents[role] = agent;
    return agent;
  };
}
