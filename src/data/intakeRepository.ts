import type { Db } from './db';
import type { IntakeChannel } from '../domain/reference';
import type { IntakeDetail } from '../domain/intake';

/** What is kept of a report recorded at the office besides the report itself: how it came and who took it (migration 0016). */
export interface NewIntake {
  reportId: number;
  channel: IntakeChannel;
  takenBy: number;
  recordedBy: number;
  recordedAt: Date;
}

interface DetailRow {
  channel: IntakeChannel;
  taken_by: number;
  taken_by_name: string;
  recorded_by: number;
  recorded_by_name: string;
  recorded_at: string;
}

export function createIntakeRepository(db: Db) {
  const insert = db.prepare(
    'INSERT INTO report_intakes (report_id, channel, taken_by, recorded_by, recorded_at) VALUES (@reportId, @channel, @takenBy, @recordedBy, @recordedAt)',
  );
  const detail = db.prepare(
    `SELECT i.channel, i.taken_by, taker.name AS taken_by_name, i.recorded_by, recorder.name AS recorded_by_name, i.recorded_at
     FROM report_intakes i
     JOIN accounts taker ON taker.id = i.taken_by
     JOIN accounts recorder ON recorder.id = i.recorded_by
     WHERE i.report_id = ?`,
  );

  return {
    /** Call inside the transaction that files the report. */
    insert(row: NewIntake): void {
      insert.run({ ...row, recordedAt: row.recordedAt.toISOString() });
    },

    detail(reportId: number): IntakeDetail | undefined {
      const r = detail.get(reportId) as DetailRow | undefined;
      return r
        ? {
            channel: r.channel,
            takenById: r.taken_by,
            takenByName: r.taken_by_name,
            recordedById: r.recorded_by,
            recordedByName: r.recorded_by_name,
            recordedAt: new Date(r.recorded_at),
          }
        : undefined;
    },
  };
}

export type IntakeRepository = ReturnType<typeof createIntakeRepository>;
