import { textFault } from '../../src/domain/text';
import { dateOfBirthProblem } from '../../src/domain/referrals';

describe('what free text may contain (domain/text.ts)', () => {
  it('lets ordinary text through, Indonesian and emoji included, on one line or several', () => {
    for (const text of ['Siti Rahmawati', 'Jl. Andalas No. 12, RT 02/RW 05', 'Bu Ani — “Kasihan” 😢', 'Ṣalāḥ', '']) {
      expect(textFault(text, 'single_line')).toBeNull();
      expect(textFault(text, 'multi_line')).toBeNull();
    }
    expect(textFault('Baris satu\r\nBaris dua\n\tmenjorok', 'multi_line')).toBeNull();
  });

  it.each([
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['CRLF', 'a\r\nb'],
    ['a line separator', 'a\u2028b'],
    ['a paragraph separator', 'a\u2029b'],
  ])('refuses %s in a single line, allows a real line break in several', (_name, text) => {
    expect(textFault(text, 'single_line')).toBe('line_break');
    expect(textFault(text, 'multi_line')).toBeNull();
  });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['vertical tab', '\u000b'],
    ['form feed', '\u000c'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['a C1 control', '\u0085'],
    ['CSI', '\u009b'],
  ])('refuses %s anywhere', (_name, control) => {
    expect(textFault(`a${control}b`, 'single_line')).toBe('control_character');
    expect(textFault(`a${control}b`, 'multi_line')).toBe('control_character');
  });

  it('refuses a tab in a single line only', () => {
    expect(textFault('a\tb', 'single_line')).toBe('control_character');
    expect(textFault('a\tb', 'multi_line')).toBeNull();
  });

  it.each([
    ['U+FFFD (what undecodable bytes become)', 'a\ufffdb'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00b'],
    ['a surrogate pair the wrong way round', 'a\ude00\ud83db'],
  ])('refuses %s', (_name, text) => {
    expect(textFault(text, 'single_line')).toBe('invalid_character');
    expect(textFault(text, 'multi_line')).toBe('invalid_character');
  });
});

describe("a client's date of birth (domain/referrals.ts)", () => {
  const today = '2026-03-10';
  it.each([
    ['2014-05-17', null],
    [today, null],
    ['1906-03-10', null],
    ['1906-03-09', 'too_old'],
    ['0000-01-01', 'too_old'],
    ['2026-03-11', 'future'],
    ['2014-02-30', 'not_a_date'],
    ['17-05-2014', 'not_a_date'],
  ])('%s → %s', (dob, problem) => {
    expect(dateOfBirthProblem(dob, today)).toBe(problem);
  });

  it('counts 120 years from 29 February too', () => {
    expect(dateOfBirthProblem('1908-02-29', '2028-02-29')).toBeNull();
    expect(dateOfBirthProblem('1908-02-28', '2028-02-29')).toBe('too_old');
  });
});
