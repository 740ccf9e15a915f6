export type DatabaseState = 'ok' | 'read_only' | 'full' | 'corrupt' | 'unavailable';

/** What /healthz reports about the database. */
export interface HealthReport {
  /** Whether the database can be read and written now (a write rolled back), and what the last integrity check found. */
  state: DatabaseState;
  /** The last `PRAGMA quick_check`: null until the first one has finished. */
  integrity: { ok: boolean; at: string } | null;
}
