import {
  createClientLimits,
  createWindowCounter,
  invokeLimit,
  limitsOverChannel,
  serveLimits,
  shareInProcess,
  type ClientLimits,
  type LimitChannel,
} from '../../src/security/clientLimits';

const HOUR = 60 * 60 * 1000;
const settings = { reportsPerIp: 5, reportsGlobal: 200, receiptChecksPerIp: 3, receiptChecksGlobal: 500, apiAuthFailuresPerIp: 20 };

/**
 * A worker's end of the IPC channel to a primary holding `limits`: messages go through JSON, as
 * Node's IPC channel carries them, and arrive later (a microtask), never within the call.
 */
function workerChannel(limits: ClientLimits): LimitChannel {
  let deliver: (message: unknown) => void = () => undefined;
  const travel = (m: unknown) => JSON.parse(JSON.stringify(m)) as unknown;
  return {
    send: (message, _failed) =>
      queueMicrotask(() => serveLimits(limits, travel(message), (reply) => queueMicrotask(() => deliver(travel(reply))))),
    onMessage: (listener) => (deliver = listener),
  };
}

describe('the counts shared by server processes', () => {
  it('are one set for every worker of the primary: a client is counted whichever process it reaches', async () => {
    let t = 0;
    const primary = createClientLimits(settings, HOUR, () => t);
    const [a, b] = [limitsOverChannel(workerChannel(primary)), limitsOverChannel(workerChannel(primary))];
    await a!.receiptChecks.record('198.51.100.1', 'failure');
    await b!.receiptChecks.record('198.51.100.1', 'failure');
    expect(await a!.receiptChecks.check('198.51.100.1')).toEqual({ allowed: true });
    await a!.receiptChecks.record('198.51.100.1', 'failure');
    expect(await b!.receiptChecks.check('198.51.100.1')).toEqual({ allowed: false, retryAfterSeconds: 3600 });
    expect(await b!.receiptChecks.check('198.51.100.2')).toEqual({ allowed: true });
    t += HOUR;
    expect(await a!.receiptChecks.check('198.51.100.1')).toEqual({ allowed: true });

    // The sign-in throttle, the same way: failures through both lock.
    for (let i = 0; i < 5; i += 1) await (i % 2 ? a : b)!.login.recordFailure('staf@lk3.test', '198.51.100.3');
    expect(await a!.login.state('staf@lk3.test', '198.51.100.3')).toMatchObject({ locked: true });
  });

  it('answer the same in one process, where they are its own', async () => {
    const limits = shareInProcess(createClientLimits(settings, HOUR, () => 0));
    for (let i = 0; i < 3; i += 1) await limits.receiptChecks.record('198.51.100.1', 'success');
    expect(await limits.receiptChecks.check('198.51.100.1')).toMatchObject({ allowed: false });
    expect(await limits.messagesPerReport.increment('report:1')).toEqual({ totalHits: 1, resetAt: expect.any(Number) });
  });

  it('refuse a call that is not one of theirs, and ignore messages that are not calls', () => {
    const limits = createClientLimits(settings, HOUR, () => 0);
    expect(() => invokeLimit(limits, { target: 'login', method: 'constructor', args: [] })).toThrow(
      'No such limit call: login.constructor',
    );
    expect(() => invokeLimit(limits, { target: 'toString', method: 'call', args: [] })).toThrow('No such limit call');
    const replies: unknown[] = [];
    expect(
      serveLimits(limits, { 'lentera.limits': 'call', id: 7, call: { target: 'reports', method: 'flooded', args: [] } }, (r) =>
        replies.push(r),
      ),
    ).toBe(true);
    expect(replies).toEqual([{ 'lentera.limits': 'reply', id: 7, ok: false, error: 'No such limit call: reports.flooded' }]);
    expect(serveLimits(limits, { cmd: 'NODE_CLUSTER' }, (r) => replies.push(r))).toBe(false);
    expect(replies).toHaveLength(1);
  });

  it('fail the call, rather than wait for ever, when the primary cannot be reached', async () => {
    const gone = limitsOverChannel({ send: (_m, failed) => failed(new Error('channel closed')), onMessage: () => undefined });
    await expect(gone.reports.check('198.51.100.1')).rejects.toThrow('channel closed');
    const refused = limitsOverChannel({
      send: () => {
        throw new Error('The primary process is gone.');
      },
      onMessage: () => undefined,
    });
    await expect(refused.login.state('a@lk3.test', '198.51.100.1')).rejects.toThrow('The primary process is gone.');
  });

  it('count hits per key in fixed windows, as express-rate-limit expects of a store', () => {
    let t = 1000;
    const counter = createWindowCounter(HOUR, () => t);
    expect(counter.increment('report:1')).toEqual({ totalHits: 1, resetAt: 1000 + HOUR });
    expect(counter.increment('report:1')).toEqual({ totalHits: 2, resetAt: 1000 + HOUR });
    counter.decrement('report:1');
    expect(counter.increment('report:1').totalHits).toBe(2);
    expect(counter.increment('report:2').totalHits).toBe(1);
    t += HOUR;
    expect(counter.increment('report:1')).toEqual({ totalHits: 1, resetAt: 1000 + 2 * HOUR });
    counter.reset('report:1');
    expect(counter.increment('report:1').totalHits).toBe(1);
  });
});
