import type { Db } from './db';
import type { FieldCipher } from './fieldCipher';
import type { AssessmentBody, AssessmentFactor, AssessmentKind, AssessmentVersionInfo, FactorKind } from '../domain/caseAssessments';
import type { RiskLevel } from '../domain/decisions';

interface VersionRow {
  version: number;
  created_at: string;
  author_name: string | null;
}

interface FactorRow {
  id: number;
  kind: FactorKind;
  label_id: string;
  label_en: string;
  position: number;
  retired_at: string | null;
}

/** The associated data of a version's encrypted body: bound to the case, the kind and the version. */
export const assessmentBodyContext = (caseId: number, kind: AssessmentKind, version: number) =>
  `case_assessments.body:${caseId}:${kind}:${version}`;

const toInfo = (r: VersionRow): AssessmentVersionInfo => ({
  version: r.version,
  createdAt: new Date(r.created_at),
  authorName: r.author_name,
});

const toFactor = (r: FactorRow): AssessmentFactor => ({
  id: r.id,
  kind: r.kind,
  labelId: r.label_id,
  labelEn: r.label_en,
  position: r.position,
  retired: r.retired_at !== null,
});

/** The assessments of cases (versions, each body one encrypted JSON document) and the factor lists. */
export function createCaseAssessmentRepository(db: Db, cipher: FieldCipher) {
  const lastVersion = db.prepare('SELECT max(version) FROM case_assessments WHERE case_id = ? AND kind = ?').pluck();
  const insert = db.prepare(
    'INSERT INTO case_assessments (case_id, kind, version, body_enc, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const versions = db.prepare(
    `SELECT v.version, v.created_at, a.name AS author_name FROM case_assessments v LEFT JOIN accounts a ON a.id = v.created_by
     WHERE v.case_id = ? AND v.kind = ? ORDER BY v.version DESC`,
  );
  const one = db.prepare(
    `SELECT v.version, v.created_at, v.body_enc, a.name AS author_name FROM case_assessments v LEFT JOIN accounts a ON a.id = v.created_by
     WHERE v.case_id = ? AND v.kind = ? AND v.version = ?`,
  );
  const firstInitial = db.prepare(
    `SELECT case_id, min(created_at) AS at FROM case_assessments WHERE kind = 'initial' AND case_id IN (SELECT value FROM json_each(?)) GROUP BY case_id`,
  );
  const setRiskLevel = db.prepare('UPDATE cases SET risk_level = ?, updated_at = ? WHERE id = ?');

  const factorsAll = db.prepare('SELECT * FROM assessment_factors ORDER BY kind, position, id');
  const factorById = db.prepare('SELECT * FROM assessment_factors WHERE id = ?');
  const maxPosition = db.prepare('SELECT coalesce(max(position), 0) FROM assessment_factors WHERE kind = ?').pluck();
  const insertFactor = db.prepare(
    `INSERT INTO assessment_factors (kind, label_id, label_en, position, created_at, updated_at) VALUES (@kind, @labelId, @labelEn, @position, @at, @at)`,
  );
  const renameFactor = db.prepare(
    'UPDATE assessment_factors SET label_id = @labelId, label_en = @labelEn, updated_at = @at WHERE id = @id',
  );
  const retireFactor = db.prepare('UPDATE assessment_factors SET retired_at = @retiredAt, updated_at = @at WHERE id = @id');
  const setPosition = db.prepare('UPDATE assessment_factors SET position = ?, updated_at = ? WHERE id = ?');
  const neighbour = {
    up: db.prepare(
      'SELECT * FROM assessment_factors WHERE kind = @kind AND (position < @position OR (position = @position AND id < @id)) ORDER BY position DESC, id DESC LIMIT 1',
    ),
    down: db.prepare(
      'SELECT * FROM assessment_factors WHERE kind = @kind AND (position > @position OR (position = @position AND id > @id)) ORDER BY position, id LIMIT 1',
    ),
  };

  return {
    /** Adds the next version of a case's assessment of this kind; call inside the saving transaction. */
    addVersion(caseId: number, kind: AssessmentKind, body: AssessmentBody, accountId: number, at: Date): number {
      const version = ((lastVersion.get(caseId, kind) as number | null) ?? 0) + 1;
      const bodyEnc = cipher.encrypt(JSON.stringify(body), assessmentBodyContext(caseId, kind, version));
      insert.run(caseId, kind, version, bodyEnc, accountId, at.toISOString());
      return version;
    },

    /** The versions of a case's assessment of this kind, newest first (without their bodies). */
    versions(caseId: number, kind: AssessmentKind): AssessmentVersionInfo[] {
      return (versions.all(caseId, kind) as VersionRow[]).map(toInfo);
    },

    /** One version with its body decrypted; the caller knows which kind of body it is. */
    find(caseId: number, kind: AssessmentKind, version: number): (AssessmentVersionInfo & { body: AssessmentBody }) | undefined {
      const r = one.get(caseId, kind, version) as (VersionRow & { body_enc: string }) | undefined;
      if (!r) return undefined;
      const body = JSON.parse(cipher.decrypt(r.body_enc, assessmentBodyContext(caseId, kind, version))) as AssessmentBody;
      return { ...toInfo(r), body };
    },

    /** When each of these cases had its first initial assessment saved (cases with none are absent). */
    initialDoneAt(caseIds: readonly number[]): Map<number, Date> {
      if (caseIds.length === 0) return new Map();
      const rows = firstInitial.all(JSON.stringify(caseIds)) as { case_id: number; at: string }[];
      return new Map(rows.map((r) => [r.case_id, new Date(r.at)]));
    },

    /** The case's risk level as the in-depth assessment judged it (cases.risk_level, the one the list shows). */
    setCaseRiskLevel(caseId: number, level: RiskLevel, at: Date): void {
      setRiskLevel.run(level, at.toISOString(), caseId);
    },

    /** Every factor of both lists, retired ones too, in list order. */
    factors(): AssessmentFactor[] {
      return (factorsAll.all() as FactorRow[]).map(toFactor);
    },

    findFactor(id: number): AssessmentFactor | undefined {
      const r = factorById.get(id) as FactorRow | undefined;
      return r ? toFactor(r) : undefined;
    },

    addFactor(kind: FactorKind, labels: { labelId: string; labelEn: string }, at: Date): number {
      const position = (maxPosition.get(kind) as number) + 1;
      return Number(insertFactor.run({ kind, ...labels, position, at: at.toISOString() }).lastInsertRowid);
    },

    renameFactor(id: number, labels: { labelId: string; labelEn: string }, at: Date): void {
      renameFactor.run({ id, ...labels, at: at.toISOString() });
    },

    setFactorRetired(id: number, retired: boolean, at: Date): void {
      retireFactor.run({ id, retiredAt: retired ? at.toISOString() : null, at: at.toISOString() });
    },

    /** Swaps a factor with its neighbour in the list; false when it is first (up) or last (down) already. */
    moveFactor(factor: AssessmentFactor, direction: 'up' | 'down', at: Date): boolean {
      const other = neighbour[direction].get({ kind: factor.kind, position: factor.position, id: factor.id }) as FactorRow | undefined;
      if (!other) return false;
      const stamp = at.toISOString();
      // Equal positions (never made by this code, but cheap to survive): give them distinct ones first.
      const [mine, theirs] =
        other.position === factor.position
          ? direction === 'up'
            ? [factor.position, factor.position + 1]
            : [factor.position + 1, factor.position]
          : [other.position, factor.position];
      setPosition.run(mine, stamp, factor.id);
      setPosition.run(theirs, stamp, other.id);
      return true;
    },
  };
}

export type CaseAssessmentRepository = ReturnType<typeof createCaseAssessmentRepository>;
