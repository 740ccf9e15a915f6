import { createFloodGuard } from '../../src/security/floodGuard';

describe('the flood guard', () => {
  let t = 0;
  const now = () => t;
  const HOUR = 60 * 60 * 1000;
  beforeEach(() => {
    t = 1_000_000;
  });

  it('refuses a client over its own allowance until its window ends, with the seconds to wait', () => {
    const guard = createFloodGuard({ perClient: 2, windowMs: HOUR, now });
    guard.record('a', 'success');
    guard.record('a', 'failure');
    expect(guard.check('a')).toEqual({ allowed: false, retryAfterSeconds: 3600 });
    expect(guard.check('b')).toEqual({ allowed: true });
    t += HOUR / 2;
    expect(guard.check('a')).toEqual({ allowed: false, retryAfterSeconds: 1800 });
    t += HOUR / 2;
    expect(guard.check('a')).toEqual({ allowed: true });
  });

  it('during a flood cuts only the clients that took part; the flood ends with its window', () => {
    const guard = createFloodGuard({ perClient: 100, flood: { global: 4, kind: 'failure', allowance: 2 }, windowMs: HOUR, now });
    for (const c of ['x', 'y', 'x', 'y']) guard.record(c, 'failure');
    expect(guard.flooded).toBe(true);
    expect(guard.check('x').allowed).toBe(false);
    expect(guard.check('y').allowed).toBe(false);
    guard.record('z', 'failure');
    expect(guard.check('z').allowed).toBe(true); // one wrong receipt is within the allowance
    guard.record('r', 'success');
    guard.record('r', 'success');
    expect(guard.check('r').allowed).toBe(true); // successes do not count towards the flood allowance
    t += HOUR;
    expect(guard.flooded).toBe(false);
    expect(guard.check('x').allowed).toBe(true);
  });
});
