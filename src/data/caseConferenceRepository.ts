import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { CaseConference } from '../domain/caseReferrals';

export interface NewCaseConference {
  caseId: number;
  heldOn: string;
  staffIds: readonly number[];
  partnerIds: readonly number[];
  otherAttendees: string;
  decisions: string;
  nextSteps: string;
  recordedBy: number;
  at: Date;
}

interface Row {
  id: number;
  case_id: number;
  held_on: string;
  other_attendees_enc: string | null;
  decisions_enc: string;
  next_steps_enc: string | null;
  recorded_by_name: string | null;
  created_at: string;
}

/** The associated data of each encrypted column: bound to the conference's row. */
export const caseConferenceFieldContext = {
  otherAttendees: (id: number) => `case_conferences.other_attendees:${id}`,
  decisions: (id: number) => `case_conferences.decisions:${id}`,
  nextSteps: (id: number) => `case_conferences.next_steps:${id}`,
};

const selectConference = `SELECT k.*, a.name AS recorded_by_name FROM case_conferences k LEFT JOIN accounts a ON a.id = k.recorded_by`;

/** Case conferences (issue 13): their attendees, decisions and next steps. */
export function createCaseConferenceRepository(db: Db, cipher: FieldCipher) {
  const insert = db.prepare(
    `INSERT INTO case_conferences (case_id, held_on, other_attendees_enc, decisions_enc, next_steps_enc, recorded_by, created_at)
     VALUES (?, ?, NULL, '', NULL, ?, ?)`,
  );
  const setTexts = db.prepare('UPDATE case_conferences SET other_attendees_enc = ?, decisions_enc = ?, next_steps_enc = ? WHERE id = ?');
  const addStaff = db.prepare('INSERT OR IGNORE INTO case_conference_staff (conference_id, account_id) VALUES (?, ?)');
  const addPartner = db.prepare('INSERT OR IGNORE INTO case_conference_partners (conference_id, partner_id) VALUES (?, ?)');
  const ofCase = db.prepare(`${selectConference} WHERE k.case_id = ? ORDER BY k.held_on DESC, k.id DESC`);
  const byId = db.prepare(`${selectConference} WHERE k.id = ?`);
  const staffOf = db.prepare(
    'SELECT a.id, a.name FROM case_conference_staff s JOIN accounts a ON a.id = s.account_id WHERE s.conference_id = ? ORDER BY a.name COLLATE NOCASE',
  );
  const partnersOf = db.prepare(
    'SELECT p.id, p.name FROM case_conference_partners s JOIN partners p ON p.id = s.partner_id WHERE s.conference_id = ? ORDER BY p.name COLLATE NOCASE',
  );

  const decryptOrEmpty = (v: string | null, context: string) => (v === null ? '' : cipher.decrypt(v, context));
  const toConference = (r: Row): CaseConference => ({
    id: r.id,
    caseId: r.case_id,
    heldOn: r.held_on,
    staffAttendees: staffOf.all(r.id) as { id: number; name: string }[],
    partnerAttendees: partnersOf.all(r.id) as { id: number; name: string }[],
    otherAttendees: decryptOrEmpty(r.other_attendees_enc, caseConferenceFieldContext.otherAttendees(r.id)),
    decisions: cipher.decrypt(r.decisions_enc, caseConferenceFieldContext.decisions(r.id)),
    nextSteps: decryptOrEmpty(r.next_steps_enc, caseConferenceFieldContext.nextSteps(r.id)),
    recordedByName: r.recorded_by_name,
    createdAt: new Date(r.created_at),
  });

  return {
    /** Call inside the recording transaction. */
    insert(c: NewCaseConference): number {
      const id = Number(insert.run(c.caseId, c.heldOn, c.recordedBy, c.at.toISOString()).lastInsertRowid);
      const encryptOrNull = (v: string, context: string) => (v === '' ? null : cipher.encrypt(v, context));
      setTexts.run(
        encryptOrNull(c.otherAttendees, caseConferenceFieldContext.otherAttendees(id)),
        cipher.encrypt(c.decisions, caseConferenceFieldContext.decisions(id)),
        encryptOrNull(c.nextSteps, caseConferenceFieldContext.nextSteps(id)),
        id,
      );
      for (const accountId of c.staffIds) addStaff.run(id, accountId);
      for (const partnerId of c.partnerIds) addPartner.run(id, partnerId);
      return id;
    },

    /** A case's conferences, the latest first. */
    ofCase(caseId: number): CaseConference[] {
      return (ofCase.all(caseId) as Row[]).map(toConference);
    },

    find(id: number): CaseConference | undefined {
      const r = byId.get(id) as Row | undefined;
      return r && toConference(r);
    },
  };
}

export type CaseConferenceRepository = ReturnType<typeof createCaseConferenceRepository>;
