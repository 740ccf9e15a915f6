import { canonicalJson, IDEMPOTENCY_HEADER_PATTERN, parseIdempotencyKey } from '../../src/domain/idempotency';

describe('Idempotency-Key', () => {
  it('takes 8–128 letters, digits, dots, underscores, colons and hyphens, bare or quoted', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey(' simkel:2026.000_1 ')).toBe('simkel:2026.000_1');
    expect(parseIdempotencyKey('a'.repeat(128))).toBe('a'.repeat(128));
    for (const bad of [
      '',
      '""',
      'pendek',
      'a'.repeat(129),
      'dengan spasi',
      '"setengah-kutip-123',
      'kunci/miring/123',
      'kunci\u00e9-123456',
    ]) {
      expect({ bad, key: parseIdempotencyKey(bad) }).toEqual({ bad, key: 'invalid' });
    }
  });

  it('states the same format in the OpenAPI document', () => {
    const documented = new RegExp(IDEMPOTENCY_HEADER_PATTERN);
    for (const value of ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', 'simkel:2026.000_1', 'pendek', '"tanpa-penutup-123', 'x'.repeat(129)]) {
      expect({ value, documented: documented.test(value) }).toEqual({ value, documented: parseIdempotencyKey(value) !== 'invalid' });
    }
  });

  it('writes a body the same way whatever the order of its fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: undefined } })).toBe('{"a":{"d":[2,{"e":"x","f":null}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
