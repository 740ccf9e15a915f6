import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveDataKey, resolveSessionSecret } from '../../src/secrets';

describe('secrets outside the database', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates both when allowed, mode 0600, with a warning, and reuses them after', () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const key = resolveDataKey(dir, undefined, { mayGenerate: true, warn })!;
    const secret = resolveSessionSecret(dir, undefined, warn);
    expect(key).toHaveLength(32);
    expect(warnings).toHaveLength(2);
    for (const f of ['data.key', 'session.secret']) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    expect(resolveDataKey(dir, undefined, { mayGenerate: false, warn })!.equals(key)).toBe(true);
    expect(resolveSessionSecret(dir, undefined, warn)).toBe(secret);
    expect(warnings).toHaveLength(2);
  });

  it('never generates a data key it is not allowed to (a database that holds data)', () => {
    expect(resolveDataKey(dir, undefined, { mayGenerate: false, warn: () => undefined })).toBeNull();
    expect(fs.existsSync(path.join(dir, 'data.key'))).toBe(false);
  });

  it('takes them from the environment when set, and refuses a short key', () => {
    const key = 'ab'.repeat(32);
    expect(resolveDataKey(dir, key, { mayGenerate: true, warn: () => undefined })!.toString('hex')).toBe(key);
    expect(resolveSessionSecret(dir, 'x'.repeat(40), () => undefined)).toBe('x'.repeat(40));
    expect(fs.existsSync(path.join(dir, 'data.key'))).toBe(false);
    expect(() => resolveDataKey(dir, 'abcd', { mayGenerate: true, warn: () => undefined })).toThrow(/32 bytes/);
    expect(() => resolveSessionSecret(dir, 'short', () => undefined)).toThrow(/32 characters/);
  });
});
