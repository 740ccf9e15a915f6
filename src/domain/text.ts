/**
 * What free text typed into Lentera may contain — one rule for every form and the API.
 *
 * A single line (names, references, labels, phone numbers, email addresses, "by whom", holiday
 * names…) holds no control character at all (C0, DEL, C1) and no line or paragraph separator. A
 * multi-line text (narratives, messages, notes, summaries, explanations, reasons) may break lines
 * (LF, CR) and hold tabs, and no other control character. Neither may hold U+FFFD or a lone
 * surrogate: browsers and our JSON parser turn bytes that are not UTF-8 into U+FFFD while decoding,
 * and nobody types that character on purpose, so refusing it is how broken input is caught.
 */
export type TextShape = 'single_line' | 'multi_line';

/** Why a text is refused; each has one shared message (`forms.errors.<fault>` in the locale files). */
export type TextFault = 'line_break' | 'control_character' | 'invalid_character';

const lineBreak = /[\n\r\u2028\u2029]/;
const anyControl = /[\u0000-\u001f\u007f-\u009f]/;
const controlExceptLineBreaksAndTab = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// In unicode mode a surrogate pair is one code point, so \p{Cs} matches only a lone surrogate.
const damaged = /[\uFFFD\p{Cs}]/u;

/** The first reason `value` may not be stored as a text of this shape, or null when it may. */
export function textFault(value: string, shape: TextShape): TextFault | null {
  if (damaged.test(value)) return 'invalid_character';
  if (shape === 'single_line') {
    if (lineBreak.test(value)) return 'line_break';
    if (anyControl.test(value)) return 'control_character';
    return null;
  }
  return controlExceptLineBreaksAndTab.test(value) ? 'control_character' : null;
}
