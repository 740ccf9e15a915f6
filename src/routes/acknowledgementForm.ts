import { ACK_REASON_MAX, isAckAnswer, type AckAnswer } from '../domain/acknowledgements';
import type { FieldIssue } from './formErrors';
import { textValue } from './formErrors';
import { textFaultMessage } from './textFields';

export type AckFormResult = { ok: true; answer: AckAnswer; reason: string } | { ok: false; issues: FieldIssue[] };

/**
 * A partner's answer, from the page behind their link or from staff recording a phone call. Each
 * issue's message is a key under `ack.errors`; its path is `answer` or `reason`.
 */
export function parseAckForm(answer: unknown, reason: unknown): AckFormResult {
  const typed = textValue(reason);
  const text = typed.trim();
  const issues: FieldIssue[] = [];
  if (!isAckAnswer(answer)) issues.push({ path: ['answer'], message: 'answer' });
  const fault = textFaultMessage(typed, 'multi_line');
  if (fault) issues.push({ path: ['reason'], message: fault });
  else if (answer === 'declined' && text === '') issues.push({ path: ['reason'], message: 'reason_empty' });
  if (text.length > ACK_REASON_MAX) issues.push({ path: ['reason'], message: 'reason_long' });
  if (issues.length > 0 || !isAckAnswer(answer)) return { ok: false, issues };
  // A reason only goes with a decline: anything typed with another answer is not kept.
  return { ok: true, answer, reason: answer === 'declined' ? text : '' };
}
