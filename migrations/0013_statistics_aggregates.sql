-- Statistics (/staff/stats) and the public summary (/transparency) read counts kept as reports are
-- filed and decided, never the per-report rows: a year is ≈ 15,000 daily counts however many
-- reports it holds (docs/statistics.md, "How the figures are kept"). The counts are kept by
-- triggers on report_statistics (0010), in the same transaction as the report's own change, and
-- like that table they outlive the reports retention deletes.

-- The histogram bucket of a time to decision, in whole hours from its lower bound: one hour
-- below 2 days, 6 hours below 2 weeks, a day beyond (and -1 for a negative time, which a clock
-- set back could give). Virtual columns: computed when read, nothing stored, one rule for the
-- triggers and the recount below.
ALTER TABLE report_statistics ADD COLUMN decision_hours_bucket INTEGER GENERATED ALWAYS AS (
  CASE
    WHEN hours_to_decision IS NULL THEN NULL
    WHEN hours_to_decision < 0 THEN -1
    WHEN hours_to_decision < 48 THEN CAST(hours_to_decision AS INTEGER)
    WHEN hours_to_decision < 336 THEN CAST(hours_to_decision / 6 AS INTEGER) * 6
    ELSE CAST(hours_to_decision / 24 AS INTEGER) * 24
  END) VIRTUAL;
ALTER TABLE report_statistics ADD COLUMN first_decision_hours_bucket INTEGER GENERATED ALWAYS AS (
  CASE
    WHEN hours_to_first_decision IS NULL THEN NULL
    WHEN hours_to_first_decision < 0 THEN -1
    WHEN hours_to_first_decision < 48 THEN CAST(hours_to_first_decision AS INTEGER)
    WHEN hours_to_first_decision < 336 THEN CAST(hours_to_first_decision / 6 AS INTEGER) * 6
    ELSE CAST(hours_to_first_decision / 24 AS INTEGER) * 24
  END) VIRTUAL;
-- Whether a decided report was decided after its triage due time; NULL while undecided.
ALTER TABLE report_statistics ADD COLUMN decided TEXT GENERATED ALWAYS AS (
  CASE WHEN hours_to_decision IS NULL THEN NULL WHEN decided_late = 1 THEN 'late' ELSE 'on_time' END) VIRTUAL;

-- Reports by filing day (Asia/Jakarta) and code: for each day, how many have each category,
-- kecamatan, source, status and urgency, and how many are decided ('decided': on_time or late).
-- A month's or a year's counts are sums of its days; every report counts once per dimension.
CREATE TABLE report_statistics_daily (
  dimension TEXT NOT NULL,                   -- category, kecamatan, source, status, urgency, decided
  filed_on TEXT NOT NULL,                    -- YYYY-MM-DD, Asia/Jakarta
  code TEXT NOT NULL,
  count INTEGER NOT NULL,                    -- may fall to 0; never read as a row of its own
  PRIMARY KEY (dimension, filed_on, code)
) STRICT, WITHOUT ROWID;

-- Times to decision as histograms, by filing day and again by filing month (a year is then
-- twelve months' buckets, and only the days of a month cut by the range are read by day): the
-- latest decision ('decision', hours_to_decision) and the first ('first_decision',
-- hours_to_first_decision). A period's count of decisions is a sum; the histogram says which
-- bucket holds its median, which is then read exactly from that bucket's times alone
-- (report_statistics_decisions / report_statistics_first_decisions).
CREATE TABLE report_statistics_hours (
  measure TEXT NOT NULL,                     -- decision, first_decision
  filed_on TEXT NOT NULL,
  bucket INTEGER NOT NULL,                   -- decision_hours_bucket / first_decision_hours_bucket
  count INTEGER NOT NULL,
  PRIMARY KEY (measure, filed_on, bucket)
) STRICT, WITHOUT ROWID;

CREATE TABLE report_statistics_hours_monthly (
  measure TEXT NOT NULL,
  month TEXT NOT NULL,                       -- YYYY-MM of filed_on
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (measure, month, bucket)
) STRICT, WITHOUT ROWID;

-- The median's last step: the times of one bucket's range of hours on each day of the period, in
-- order (0012 made the same index for the first decisions, report_statistics_first_decisions).
CREATE INDEX report_statistics_decisions ON report_statistics (filed_on, hours_to_decision) WHERE hours_to_decision IS NOT NULL;

-- What the tables hold, recounted from report_statistics: fills them here, and again after a bulk
-- load (rebuildStatisticsAggregates, src/data/statisticsAggregates.ts); the tests compare what the
-- triggers keep with it.
CREATE VIEW report_statistics_daily_recount AS
  SELECT 'category' AS dimension, filed_on, category AS code, count(*) AS count FROM report_statistics GROUP BY filed_on, category
  UNION ALL SELECT 'kecamatan', filed_on, kecamatan_code, count(*) FROM report_statistics GROUP BY filed_on, kecamatan_code
  UNION ALL SELECT 'source', filed_on, source, count(*) FROM report_statistics GROUP BY filed_on, source
  UNION ALL SELECT 'status', filed_on, status, count(*) FROM report_statistics GROUP BY filed_on, status
  UNION ALL SELECT 'urgency', filed_on, urgency, count(*) FROM report_statistics GROUP BY filed_on, urgency
  UNION ALL SELECT 'decided', filed_on, decided, count(*) FROM report_statistics WHERE decided IS NOT NULL GROUP BY filed_on, decided;

CREATE VIEW report_statistics_hours_recount AS
  SELECT 'decision' AS measure, filed_on, decision_hours_bucket AS bucket, count(*) AS count
    FROM report_statistics WHERE hours_to_decision IS NOT NULL GROUP BY filed_on, decision_hours_bucket
  UNION ALL SELECT 'first_decision', filed_on, first_decision_hours_bucket, count(*)
    FROM report_statistics WHERE hours_to_first_decision IS NOT NULL GROUP BY filed_on, first_decision_hours_bucket;

CREATE VIEW report_statistics_hours_monthly_recount AS
  SELECT measure, substr(filed_on, 1, 7) AS month, bucket, sum(count) AS count FROM report_statistics_hours_recount GROUP BY 1, 2, 3;

-- Each trigger adds a row's contribution (+1 per dimension, per measure) and takes away what it
-- was; on an update of the codes, what did not change adds up to nothing and is left alone, and a
-- change that moves no count (an unlinking by retention) fires nothing. The values come from
-- old/new, never from reading the row again: the first-decision triggers (0012) update the same
-- row from inside this statement, and each change is counted once whatever order SQLite runs the
-- triggers in.
CREATE TRIGGER report_statistics_counted_insert AFTER INSERT ON report_statistics
BEGIN
  INSERT INTO report_statistics_daily (dimension, filed_on, code, count)
  SELECT dimension, new.filed_on, code, 1
    FROM (SELECT 'category' AS dimension, new.category AS code UNION ALL SELECT 'kecamatan', new.kecamatan_code
          UNION ALL SELECT 'source', new.source UNION ALL SELECT 'status', new.status
          UNION ALL SELECT 'urgency', new.urgency UNION ALL SELECT 'decided', new.decided)
   WHERE code IS NOT NULL
  ON CONFLICT (dimension, filed_on, code) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER report_statistics_counted_update AFTER UPDATE ON report_statistics
WHEN old.filed_on IS NOT new.filed_on OR old.category IS NOT new.category OR old.kecamatan_code IS NOT new.kecamatan_code
  OR old.source IS NOT new.source OR old.status IS NOT new.status OR old.urgency IS NOT new.urgency
  OR old.decided IS NOT new.decided
BEGIN
  INSERT INTO report_statistics_daily (dimension, filed_on, code, count)
  SELECT dimension, filed_on, code, sum(change)
    FROM (SELECT 'category' AS dimension, old.filed_on AS filed_on, old.category AS code, -1 AS change
          UNION ALL SELECT 'category', new.filed_on, new.category, 1
          UNION ALL SELECT 'kecamatan', old.filed_on, old.kecamatan_code, -1
          UNION ALL SELECT 'kecamatan', new.filed_on, new.kecamatan_code, 1
          UNION ALL SELECT 'source', old.filed_on, old.source, -1 UNION ALL SELECT 'source', new.filed_on, new.source, 1
          UNION ALL SELECT 'status', old.filed_on, old.status, -1 UNION ALL SELECT 'status', new.filed_on, new.status, 1
          UNION ALL SELECT 'urgency', old.filed_on, old.urgency, -1 UNION ALL SELECT 'urgency', new.filed_on, new.urgency, 1
          UNION ALL SELECT 'decided', old.filed_on, old.decided, -1 UNION ALL SELECT 'decided', new.filed_on, new.decided, 1)
   WHERE code IS NOT NULL
   GROUP BY dimension, filed_on, code HAVING sum(change) <> 0
  ON CONFLICT (dimension, filed_on, code) DO UPDATE SET count = count + excluded.count;
END;

-- Nothing deletes statistics rows today (retention unlinks them); should anything, its counts go too.
CREATE TRIGGER report_statistics_counted_delete AFTER DELETE ON report_statistics
BEGIN
  UPDATE report_statistics_daily SET count = count - 1
   WHERE filed_on = old.filed_on
     AND ((dimension = 'category' AND code = old.category) OR (dimension = 'kecamatan' AND code = old.kecamatan_code)
       OR (dimension = 'source' AND code = old.source) OR (dimension = 'status' AND code = old.status)
       OR (dimension = 'urgency' AND code = old.urgency) OR (dimension = 'decided' AND code = old.decided));
END;

-- The histograms: a report filed undecided (every report filed through the forms and the API)
-- touches none of them.
CREATE TRIGGER report_statistics_timed_insert AFTER INSERT ON report_statistics
WHEN new.hours_to_decision IS NOT NULL OR new.hours_to_first_decision IS NOT NULL
BEGIN
  INSERT INTO report_statistics_hours (measure, filed_on, bucket, count)
  SELECT measure, new.filed_on, bucket, 1
    FROM (SELECT 'decision' AS measure, new.decision_hours_bucket AS bucket
          UNION ALL SELECT 'first_decision', new.first_decision_hours_bucket)
   WHERE bucket IS NOT NULL
  ON CONFLICT (measure, filed_on, bucket) DO UPDATE SET count = count + 1;
  INSERT INTO report_statistics_hours_monthly (measure, month, bucket, count)
  SELECT measure, substr(new.filed_on, 1, 7), bucket, 1
    FROM (SELECT 'decision' AS measure, new.decision_hours_bucket AS bucket
          UNION ALL SELECT 'first_decision', new.first_decision_hours_bucket)
   WHERE bucket IS NOT NULL
  ON CONFLICT (measure, month, bucket) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER report_statistics_timed_decision_update AFTER UPDATE ON report_statistics
WHEN old.filed_on IS NOT new.filed_on OR old.decision_hours_bucket IS NOT new.decision_hours_bucket
BEGIN
  UPDATE report_statistics_hours SET count = count - 1 WHERE measure = 'decision' AND filed_on = old.filed_on AND bucket = old.decision_hours_bucket;
  UPDATE report_statistics_hours_monthly SET count = count - 1
   WHERE measure = 'decision' AND month = substr(old.filed_on, 1, 7) AND bucket = old.decision_hours_bucket;
  INSERT INTO report_statistics_hours (measure, filed_on, bucket, count)
  SELECT 'decision', new.filed_on, new.decision_hours_bucket, 1 WHERE new.decision_hours_bucket IS NOT NULL
  ON CONFLICT (measure, filed_on, bucket) DO UPDATE SET count = count + 1;
  INSERT INTO report_statistics_hours_monthly (measure, month, bucket, count)
  SELECT 'decision', substr(new.filed_on, 1, 7), new.decision_hours_bucket, 1 WHERE new.decision_hours_bucket IS NOT NULL
  ON CONFLICT (measure, month, bucket) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER report_statistics_timed_first_decision_update AFTER UPDATE ON report_statistics
WHEN old.filed_on IS NOT new.filed_on OR old.first_decision_hours_bucket IS NOT new.first_decision_hours_bucket
BEGIN
  UPDATE report_statistics_hours SET count = count - 1 WHERE measure = 'first_decision' AND filed_on = old.filed_on AND bucket = old.first_decision_hours_bucket;
  UPDATE report_statistics_hours_monthly SET count = count - 1
   WHERE measure = 'first_decision' AND month = substr(old.filed_on, 1, 7) AND bucket = old.first_decision_hours_bucket;
  INSERT INTO report_statistics_hours (measure, filed_on, bucket, count)
  SELECT 'first_decision', new.filed_on, new.first_decision_hours_bucket, 1 WHERE new.first_decision_hours_bucket IS NOT NULL
  ON CONFLICT (measure, filed_on, bucket) DO UPDATE SET count = count + 1;
  INSERT INTO report_statistics_hours_monthly (measure, month, bucket, count)
  SELECT 'first_decision', substr(new.filed_on, 1, 7), new.first_decision_hours_bucket, 1 WHERE new.first_decision_hours_bucket IS NOT NULL
  ON CONFLICT (measure, month, bucket) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER report_statistics_timed_delete AFTER DELETE ON report_statistics
WHEN old.hours_to_decision IS NOT NULL OR old.hours_to_first_decision IS NOT NULL
BEGIN
  UPDATE report_statistics_hours SET count = count - 1
   WHERE filed_on = old.filed_on
     AND ((measure = 'decision' AND bucket = old.decision_hours_bucket)
       OR (measure = 'first_decision' AND bucket = old.first_decision_hours_bucket));
  UPDATE report_statistics_hours_monthly SET count = count - 1
   WHERE month = substr(old.filed_on, 1, 7)
     AND ((measure = 'decision' AND bucket = old.decision_hours_bucket)
       OR (measure = 'first_decision' AND bucket = old.first_decision_hours_bucket));
END;

INSERT INTO report_statistics_daily (dimension, filed_on, code, count) SELECT * FROM report_statistics_daily_recount;
INSERT INTO report_statistics_hours (measure, filed_on, bucket, count) SELECT * FROM report_statistics_hours_recount;
INSERT INTO report_statistics_hours_monthly (measure, month, bucket, count) SELECT * FROM report_statistics_hours_monthly_recount;

-- Replaced by the daily counts: the monthly ones (0012) and their triggers, and the index only
-- the per-report counting used.
DROP TRIGGER report_statistics_monthly_insert;
DROP TRIGGER report_statistics_monthly_update;
DROP TRIGGER report_statistics_monthly_delete;
DROP TABLE report_statistics_monthly;
DROP INDEX report_statistics_filed;
