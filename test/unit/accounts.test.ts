import {
  grantsContent,
  isApprovalSettled,
  isPasswordLengthAllowed,
  mayDeactivate,
  mayDecideApproval,
  safeNextPath,
} from '../../src/domain/accounts';
import { normalizeEmail } from '../../src/domain/email';
import { createLoginThrottle } from '../../src/security/loginThrottle';
import { checkTotp, newTotpSecret, totpCodeAt, totpStepAt } from '../../src/security/totp';
import { hashPassword, verifyPassword } from '../../src/security/passwords';

describe('account rules', () => {
  it('allows passwords of 8 to 128 characters, counted as a person counts them, with no composition rules', () => {
    expect(isPasswordLengthAllowed('a'.repeat(7))).toBe(false);
    expect(isPasswordLengthAllowed('aaaaaaaa')).toBe(true);
    expect(isPasswordLengthAllowed('😀'.repeat(8))).toBe(true); // 16 UTF-16 units, 8 characters
    expect(isPasswordLengthAllowed('x'.repeat(128))).toBe(true);
    expect(isPasswordLengthAllowed('x'.repeat(129))).toBe(false);
  });

  it('compares emails without case or surrounding spaces', () => {
    expect(normalizeEmail('  Ani@LK3.Test ')).toBe('ani@lk3.test');
  });

  it.each(['/staff/queue', '/staff/reports/LAP-2026-000001?tab=messages', '/account'])('follows %s after sign-in', (next) => {
    expect(safeNextPath(next)).toBe(next);
  });

  it.each([
    '',
    'staff',
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    '/x\nSet-Cookie: a',
    '/login',
    '/logout',
    42,
    undefined,
  ])('refuses %p as a next path', (next) => {
    expect(safeNextPath(next)).toBeNull();
  });

  it('lets an administrator deactivate anyone but themself', () => {
    expect(mayDeactivate(1, 2)).toBe(true);
    expect(mayDeactivate(1, 1)).toBe(false);
  });
});

describe('content roles and their approval', () => {
  it('names the roles that read content: triage, caseworker and supervisor', () => {
    expect((['triage', 'caseworker', 'supervisor', 'admin', 'department'] as const).filter(grantsContent)).toEqual([
      'triage',
      'caseworker',
      'supervisor',
    ]);
  });

  it('lets an account act only once nothing waits on a supervisor', () => {
    expect([null, 'approved', 'pending', 'refused'].map((a) => isApprovalSettled(a as 'pending' | null))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('lets a supervisor decide, but never on a request they made or one about themself; never an administrator', () => {
    const request = { accountId: 10, requestedBy: 1 };
    expect(mayDecideApproval({ id: 2, role: 'supervisor' }, request)).toBe(true);
    expect(mayDecideApproval({ id: 1, role: 'supervisor' }, request)).toBe(false);
    expect(mayDecideApproval({ id: 10, role: 'supervisor' }, request)).toBe(false);
    expect(mayDecideApproval({ id: 3, role: 'admin' }, request)).toBe(false);
    expect(mayDecideApproval({ id: 4, role: 'triage' }, request)).toBe(false);
  });
});

describe('login throttle', () => {
  let t = 0;
  const throttle = () => createLoginThrottle(() => t);
  beforeEach(() => {
    t = 1_000_000;
  });

  it('slows down from the third failure and locks the pair at the fifth, for 15 minutes', () => {
    const th = throttle();
    const delays: number[] = [];
    const locks: boolean[] = [];
    for (let i = 0; i < 5; i += 1) {
      delays.push(th.state('a@x', 'ip1').delayMs);
      locks.push(th.recordFailure('a@x', 'ip1'));
    }
    expect(delays).toEqual([0, 0, 0, 250, 500]); // the third failure onwards adds a quarter second each
    expect(locks).toEqual([false, false, false, false, true]);
    expect(th.state('a@x', 'ip1').locked).toBe(true);
    expect(th.state('a@x', 'ip2').locked).toBe(false);
    expect(th.state('b@x', 'ip1').locked).toBe(false);
    t += 15 * 60_000 + 1;
    expect(th.state('a@x', 'ip1')).toEqual({ locked: false, delayMs: 0 });
  });

  it('forgets failures older than the 15-minute window', () => {
    const th = throttle();
    for (let i = 0; i < 4; i += 1) th.recordFailure('a@x', 'ip1');
    t += 15 * 60_000 + 1;
    expect(th.recordFailure('a@x', 'ip1')).toBe(false);
  });

  it('locks a client that fails against many accounts', () => {
    const th = throttle();
    let locked = false;
    for (let i = 0; i < 30; i += 1) locked = th.recordFailure(`user${i}@x`, 'ip9');
    expect(locked).toBe(true);
    expect(th.state('someone.new@x', 'ip9').locked).toBe(true);
    expect(th.state('someone.new@x', 'ip8').locked).toBe(false);
  });

  it('clears the pair after a successful sign-in', () => {
    const th = throttle();
    for (let i = 0; i < 4; i += 1) th.recordFailure('a@x', 'ip1');
    th.recordSuccess('a@x', 'ip1');
    expect(th.state('a@x', 'ip1')).toEqual({ locked: false, delayMs: 0 });
  });
});

describe('TOTP', () => {
  const at = new Date('2026-03-02T02:00:10Z');

  it('accepts the current code and one step either side, refusing steps already used', async () => {
    const secret = newTotpSecret();
    const step = totpStepAt(at);
    expect(await checkTotp(secret, await totpCodeAt(secret, at), at, null)).toEqual({ ok: true, step });
    expect(await checkTotp(secret, await totpCodeAt(secret, new Date(at.getTime() - 30_000)), at, null)).toEqual({
      ok: true,
      step: step - 1,
    });
    expect(await checkTotp(secret, await totpCodeAt(secret, new Date(at.getTime() + 30_000)), at, null)).toEqual({
      ok: true,
      step: step + 1,
    });
    expect(await checkTotp(secret, await totpCodeAt(secret, new Date(at.getTime() - 90_000)), at, null)).toEqual({
      ok: false,
      reason: 'code',
    });
    expect(await checkTotp(secret, await totpCodeAt(secret, at), at, step)).toEqual({ ok: false, reason: 'code_reused' });
    expect(await checkTotp(secret, await totpCodeAt(secret, at), at, step - 1)).toEqual({ ok: true, step });
  });

  it('accepts a code typed with spaces and refuses anything but six digits', async () => {
    const secret = newTotpSecret();
    const code = await totpCodeAt(secret, at);
    expect((await checkTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at, null)).ok).toBe(true);
    for (const bad of ['', '12345', '1234567', 'abcdef'])
      expect(await checkTotp(secret, bad, at, null)).toEqual({ ok: false, reason: 'code' });
  });
});

describe('passwords', () => {
  it('hashes with Argon2id and verifies', async () => {
    const hash = await hashPassword('kata sandi yang panjang');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'kata sandi yang panjang')).toBe(true);
    expect(await verifyPassword(hash, 'kata sandi yang lain')).toBe(false);
    expect(await verifyPassword(null, 'anything at all')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything at all')).toBe(false);
    await expect(hashPassword('short')).rejects.toThrow();
  });
});
