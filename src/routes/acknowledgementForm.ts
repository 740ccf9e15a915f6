import { isAcknowledgementAnswer, type AcknowledgementAnswer } from '../domain/acknowledgements';
import { ACKNOWLEDGEMENT_REASON_MAX } from '../domain/limits';
import type { FieldIssue } from './formErrors';
import { textValue } from './formErrors';
import { textFaultMessage } from '../validation/textFields';

export type AcknowledgementFormResult = { ok: true; answer: AcknowledgementAnswer; reason: string } | { ok: false; issues: FieldIssue[] };

/**
 * A partner's answer, from the page behind their link or from staff recording a phone call. Each
 * issue's message is a key under `ack.errors`; its path is `answer` or `reason`.
 */
export function parseAcknowledgementForm(answer: unknown, reason: unknown): AcknowledgementFormResult {
  const typed = textValue(reason);
  const text = typed.trim();
  const issues: FieldIssue[] = [];
  if (!isAcknowledgementAnswer(answer)) issues.push({ path: ['answer'], message: 'answer' });
  const fault = textFaultMessage(typed, 'multi_line');
  if (fault) issues.push({ path: ['reason'], message: fault });
  else if (answer === 'declined' && text === '') issues.push({ path: ['reason'], message: 'reason_empty' });
  if (text.length > ACKNOWLEDGEMENT_REASON_MAX) issues.push({ path: ['reason'], message: 'reason_long' });
  if (issues.length > 0 || !isAcknowledgementAnswer(answer)) return { ok: false, issues };
  // A reason only goes with a decline: anything typed with another answer is not kept.
  return { ok: true, answer, reason: answer === 'declined' ? text : '' };
}
