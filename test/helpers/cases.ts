import request from 'supertest';
import type { Lentera } from '../../src/bootstrap';
import type { RiskLevel } from '../../src/domain/decisions';
import { fileReport, formBody, tokenFrom, validReport, type Agent } from './testApp';

export interface NewCase {
  id: number;
  number: string;
  /** The number as it stands in a URL (LK3-2026-0001). */
  slug: string;
  /** The report it was opened from. */
  reference: string;
}

/**
 * A resident's report, filed through the public form and accepted by a triage officer (`triage`,
 * signed in) through the report page's form as a new case for the account `assigneeId`.
 */
export async function reportAcceptedAsNewCase(
  lentera: Pick<Lentera, 'app' | 'db'>,
  triage: Agent,
  assigneeId: number,
  options: { risk?: RiskLevel; report?: Record<string, string | string[]> } = {},
): Promise<NewCase> {
  await fileReport(request.agent(lentera.app), validReport(options.report));
  const reference = lentera.db.prepare('SELECT reference FROM reports ORDER BY id DESC LIMIT 1').pluck().get() as string;
  const page = `/staff/reports/${reference}`;
  const token = await tokenFrom(triage, page);
  await triage
    .post(`${page}/accept`)
    .type('form')
    .send(
      formBody({
        'accept-case_mode': 'new',
        'accept-case_number': '',
        'accept-assignee': String(assigneeId),
        'accept-risk': options.risk ?? 'medium',
        'accept-note': '',
        _csrf: token,
      }),
    )
    .expect(303);
  const row = lentera.db
    .prepare('SELECT c.id, c.number FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.reference = ?')
    .get(reference) as { id: number; number: string };
  return { ...row, slug: row.number.replace(/\//g, '-'), reference };
}
