/** A receipt is 16 digits; people read and type it in groups of four. */
export const RECEIPT_DIGITS = 16;

export function formatReceipt(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The 16 digits of what a person typed (spaces, dashes and dots allowed between), or null. */
export function normalizeReceipt(input: string): string | null {
  const digits = input.replace(/[\s.-]/g, '');
  return new RegExp(`^\\d{${RECEIPT_DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * How long a new receipt stays on view in the browser that filed the report (reload, second tab,
 * print view) unless the person says sooner that she has noted it: long enough to switch apps and
 * write it down, short enough that a shared phone does not keep it.
 */
export const RECEIPT_VIEWABLE_MINUTES = 15;
