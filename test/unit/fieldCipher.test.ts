import crypto from 'node:crypto';
import { createFieldCipher, createKeyedHasher } from '../../src/data/fieldCipher';

describe('field encryption', () => {
  const key = crypto.randomBytes(32);
  const cipher = createFieldCipher(key);

  it('round-trips text, with a fresh nonce each time', () => {
    const a = cipher.encrypt('Cerita rahasia', 'reports.narrative:LAP-2026-000001');
    const b = cipher.encrypt('Cerita rahasia', 'reports.narrative:LAP-2026-000001');
    expect(a).not.toBe(b);
    expect(a).not.toContain('rahasia');
    expect(cipher.decrypt(a, 'reports.narrative:LAP-2026-000001')).toBe('Cerita rahasia');
  });

  it('refuses a value moved to another row, a tampered value, or another key', () => {
    const stored = cipher.encrypt('Cerita rahasia', 'reports.narrative:LAP-2026-000001');
    expect(() => cipher.decrypt(stored, 'reports.narrative:LAP-2026-000002')).toThrow();
    const raw = Buffer.from(stored.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(`v1:${raw.toString('base64')}`, 'reports.narrative:LAP-2026-000001')).toThrow();
    expect(() => createFieldCipher(crypto.randomBytes(32)).decrypt(stored, 'reports.narrative:LAP-2026-000001')).toThrow();
  });

  it('hashes receipts with a key, differently per purpose', () => {
    const receipts = createKeyedHasher(key, 'receipt');
    expect(receipts.hash('1234567890123456').equals(receipts.hash('1234567890123456'))).toBe(true);
    expect(receipts.hash('1234567890123456').equals(createKeyedHasher(key, 'other').hash('1234567890123456'))).toBe(false);
    expect(receipts.hash('1234567890123456').equals(crypto.createHash('sha256').update('1234567890123456').digest())).toBe(false);
  });
});
