import { formatReceipt, normalizeReceipt } from '../../src/domain/receipt';

describe('receipt codes', () => {
  it('groups sixteen digits in fours', () => {
    expect(formatReceipt('1234567890123456')).toBe('1234 5678 9012 3456');
  });

  it('accepts what people type: spaces, dashes, dots', () => {
    expect(normalizeReceipt(' 1234 5678-9012.3456 ')).toBe('1234567890123456');
  });

  it.each(['', '123456789012345', '12345678901234567', '1234 5678 9012 345a', '١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦'])('refuses %p', (input) => {
    expect(normalizeReceipt(input)).toBeNull();
  });
});
