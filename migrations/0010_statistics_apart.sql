-- Statistics live apart from content (DESIGN.md, security baseline): one anonymised row of codes
-- per report, kept in step with `reports` by triggers, and left in place — unlinked, not deleted —
-- when retention deletes the report, so a past period's numbers never change.
-- No reference, no narrative, no timestamps: the Jakarta calendar day a report was filed, its codes,
-- and for a decided report the hours it took and whether that was after its triage due time.
CREATE TABLE report_statistics (
  id INTEGER PRIMARY KEY,
  report_id INTEGER UNIQUE,                  -- the report while it exists; NULL once purged (no FK: the row outlives it)
  filed_on TEXT NOT NULL,                    -- YYYY-MM-DD, Asia/Jakarta (UTC+7, no DST)
  category TEXT NOT NULL,
  kecamatan_code TEXT NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  urgency TEXT NOT NULL,
  hours_to_decision REAL,                    -- NULL until decided; rounded to 0.01 h
  decided_late INTEGER                       -- 1 decided after sla_due_at, 0 on time, NULL until decided
) STRICT;

-- Every count is over a range of filing days.
CREATE INDEX report_statistics_filed ON report_statistics (filed_on);

CREATE TRIGGER report_statistics_insert AFTER INSERT ON reports
BEGIN
  INSERT INTO report_statistics (report_id, filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision, decided_late)
  VALUES (
    new.id, date(new.created_at, '+7 hours'), new.category, new.kecamatan_code, new.source, new.status, new.urgency,
    CASE WHEN new.decided_at IS NULL THEN NULL ELSE round((julianday(new.decided_at) - julianday(new.created_at)) * 24, 2) END,
    CASE WHEN new.decided_at IS NULL THEN NULL ELSE new.decided_at > new.sla_due_at END
  );
END;

-- Only the columns the statistics read: a claim, a message or an escalation does not touch the row.
CREATE TRIGGER report_statistics_update
AFTER UPDATE OF created_at, category, kecamatan_code, source, status, urgency, decided_at, sla_due_at ON reports
BEGIN
  UPDATE report_statistics SET
    filed_on = date(new.created_at, '+7 hours'),
    category = new.category,
    kecamatan_code = new.kecamatan_code,
    source = new.source,
    status = new.status,
    urgency = new.urgency,
    hours_to_decision = CASE WHEN new.decided_at IS NULL THEN NULL ELSE round((julianday(new.decided_at) - julianday(new.created_at)) * 24, 2) END,
    decided_late = CASE WHEN new.decided_at IS NULL THEN NULL ELSE new.decided_at > new.sla_due_at END
  WHERE report_id = new.id;
END;

-- Retention deletes the report; its statistics stay, no longer pointing at it.
CREATE TRIGGER report_statistics_unlink AFTER DELETE ON reports
BEGIN
  UPDATE report_statistics SET report_id = NULL WHERE report_id = old.id;
END;

-- The reports already there.
INSERT INTO report_statistics (report_id, filed_on, category, kecamatan_code, source, status, urgency, hours_to_decision, decided_late)
SELECT
  id, date(created_at, '+7 hours'), category, kecamatan_code, source, status, urgency,
  CASE WHEN decided_at IS NULL THEN NULL ELSE round((julianday(decided_at) - julianday(created_at)) * 24, 2) END,
  CASE WHEN decided_at IS NULL THEN NULL ELSE decided_at > sla_due_at END
FROM reports ORDER BY id;
