-- The language a report was written in, reporter updates that wait for the end of a sitting, and
-- what the public summary (/transparency) reads.

-- The language of the page (or API request) a report came through: staff ask their questions in
-- it, and emails to the reporter are written in it. NULL only for reports filed before this
-- column existed; the server fills those in at its next start (reportService.recordOlderLanguages:
-- the locale the reporter's encrypted contact details recorded, else DEFAULT_LOCALE), which SQL
-- cannot do here since it reads neither the data key nor the configuration.
ALTER TABLE reports ADD COLUMN language TEXT CHECK (language IN ('id', 'en'));
CREATE INDEX reports_language_unknown ON reports (id) WHERE language IS NULL;

-- A "there is news" email to a reporter is not queued again while one to the same report still
-- waits: the waiting one is postponed a little instead (notifications.ts), so several staff actions
-- in one sitting send one email. The key is a keyed hash of the report, never the report itself,
-- and is cleared once the email leaves the queue (sent or failed).
ALTER TABLE outbox ADD COLUMN coalesce_key TEXT;
CREATE INDEX outbox_coalesce ON outbox (coalesce_key) WHERE coalesce_key IS NOT NULL;

-- Hours from filing to the FIRST decision: hours_to_decision follows the latest one (a reopened
-- and decided-again report), and is NULL while a reopened report waits again. Set once, never
-- cleared, by these triggers on the statistics row itself, so it survives retention like the rest.
ALTER TABLE report_statistics ADD COLUMN hours_to_first_decision REAL;

CREATE TRIGGER report_statistics_first_decision_insert AFTER INSERT ON report_statistics
WHEN new.hours_to_decision IS NOT NULL AND new.hours_to_first_decision IS NULL
BEGIN
  UPDATE report_statistics SET hours_to_first_decision = new.hours_to_decision WHERE id = new.id;
END;

CREATE TRIGGER report_statistics_first_decision AFTER UPDATE OF hours_to_decision ON report_statistics
WHEN new.hours_to_decision IS NOT NULL AND new.hours_to_first_decision IS NULL
BEGIN
  UPDATE report_statistics SET hours_to_first_decision = new.hours_to_decision WHERE id = new.id;
END;

-- Rows already there: the first decision recorded in the audit log when the report still exists,
-- else (purged, or decided before the audit log) the decision the row holds.
UPDATE report_statistics SET hours_to_first_decision = coalesce(
  (SELECT round((julianday(min(a.at)) - julianday(r.created_at)) * 24, 2)
     FROM reports r
     JOIN audit_events a ON a.subject_type = 'report' AND a.subject_id = r.reference
    WHERE r.id = report_statistics.report_id
      AND a.action IN ('report.accepted', 'report.redirected', 'report.marked_duplicate', 'report.closed')),
  hours_to_decision);

-- The public summary's counts come from this small table kept by triggers, one row per month,
-- category, status and kecamatan — a few thousand rows however many reports there are (the same
-- codes report_statistics holds, only counted). Every period the summary publishes is whole months.
CREATE TABLE report_statistics_monthly (
  month TEXT NOT NULL,                       -- YYYY-MM of filed_on
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  kecamatan_code TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (month, category, status, kecamatan_code)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER report_statistics_monthly_insert AFTER INSERT ON report_statistics
BEGIN
  INSERT INTO report_statistics_monthly (month, category, status, kecamatan_code, count)
  VALUES (substr(new.filed_on, 1, 7), new.category, new.status, new.kecamatan_code, 1)
  ON CONFLICT (month, category, status, kecamatan_code) DO UPDATE SET count = count + 1;
END;

-- report_statistics_update sets every column on any change of a report; only a real change of these moves a count.
CREATE TRIGGER report_statistics_monthly_update AFTER UPDATE OF filed_on, category, status, kecamatan_code ON report_statistics
WHEN substr(old.filed_on, 1, 7) IS NOT substr(new.filed_on, 1, 7) OR old.category IS NOT new.category
  OR old.status IS NOT new.status OR old.kecamatan_code IS NOT new.kecamatan_code
BEGIN
  UPDATE report_statistics_monthly SET count = count - 1
   WHERE month = substr(old.filed_on, 1, 7) AND category = old.category AND status = old.status AND kecamatan_code = old.kecamatan_code;
  INSERT INTO report_statistics_monthly (month, category, status, kecamatan_code, count)
  VALUES (substr(new.filed_on, 1, 7), new.category, new.status, new.kecamatan_code, 1)
  ON CONFLICT (month, category, status, kecamatan_code) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER report_statistics_monthly_delete AFTER DELETE ON report_statistics
BEGIN
  UPDATE report_statistics_monthly SET count = count - 1
   WHERE month = substr(old.filed_on, 1, 7) AND category = old.category AND status = old.status AND kecamatan_code = old.kecamatan_code;
END;

INSERT INTO report_statistics_monthly (month, category, status, kecamatan_code, count)
SELECT substr(filed_on, 1, 7), category, status, kecamatan_code, count(*) FROM report_statistics GROUP BY 1, 2, 3, 4;

-- The median time to a first decision of a period: that period's first-decision hours, in order,
-- from this index alone.
CREATE INDEX report_statistics_first_decisions ON report_statistics (filed_on, hours_to_first_decision)
  WHERE hours_to_first_decision IS NOT NULL;
