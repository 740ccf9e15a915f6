import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSecrets } from '../../src/secrets';

describe('secrets outside the database', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates both on first start, mode 0600, with a warning, and reuses them after', () => {
    const warnings: string[] = [];
    const first = loadSecrets(dir, {}, (m) => warnings.push(m));
    expect(first.dataKey).toHaveLength(32);
    expect(warnings).toHaveLength(2);
    for (const f of ['data.key', 'session.secret']) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    const again = loadSecrets(dir, {}, (m) => warnings.push(m));
    expect(again.dataKey.equals(first.dataKey)).toBe(true);
    expect(again.sessionSecret).toBe(first.sessionSecret);
    expect(warnings).toHaveLength(2);
  });

  it('takes them from the environment when set, and refuses a short key', () => {
    const key = 'ab'.repeat(32);
    const s = loadSecrets(dir, { dataKey: key, sessionSecret: 'x'.repeat(40) }, () => undefined);
    expect(s.dataKey.toString('hex')).toBe(key);
    expect(fs.existsSync(path.join(dir, 'data.key'))).toBe(false);
    expect(() => loadSecrets(dir, { dataKey: 'abcd' }, () => undefined)).toThrow(/32 bytes/);
  });
});
