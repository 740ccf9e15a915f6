-- The case statistics at a million reports (issue 11): the page read the stays of the days a range
-- cuts from case_stage_durations itself, walked every day of the range for a median, and counted
-- the cases closed one by one. Now every figure comes from a few thousand aggregate rows however
-- many cases there are, and the figures stay exactly what reading every row gives
-- (src/data/caseStatisticsRepository.ts).

-- The bucket of a stay's time for the histograms below: an eighth of a doubling wide (whole hours
-- from its lower bound: one hour below 16 hours, 2 hours below 32, 4 below 64 …), -1 for a
-- negative time. A year's stays of one stage fall in a few dozen buckets however long the longest
-- stays, and a bucket holds a few percent of them. Exact arithmetic (a division by a power of two,
-- then truncation), so a longer time is never in a lower bucket. (0022's `bucket` column stays,
-- read by nothing: dropping it would rewrite every row.)
ALTER TABLE case_stage_durations ADD COLUMN histogram_bucket INTEGER GENERATED ALWAYS AS (
  CASE WHEN hours < 0 THEN -1 WHEN hours < 16 THEN CAST(hours AS INTEGER)
       WHEN hours < 32 THEN CAST(hours / 2 AS INTEGER) * 2 WHEN hours < 64 THEN CAST(hours / 4 AS INTEGER) * 4
       WHEN hours < 128 THEN CAST(hours / 8 AS INTEGER) * 8 WHEN hours < 256 THEN CAST(hours / 16 AS INTEGER) * 16
       WHEN hours < 512 THEN CAST(hours / 32 AS INTEGER) * 32 WHEN hours < 1024 THEN CAST(hours / 64 AS INTEGER) * 64
       WHEN hours < 2048 THEN CAST(hours / 128 AS INTEGER) * 128 WHEN hours < 4096 THEN CAST(hours / 256 AS INTEGER) * 256
       WHEN hours < 8192 THEN CAST(hours / 512 AS INTEGER) * 512 WHEN hours < 16384 THEN CAST(hours / 1024 AS INTEGER) * 1024
       WHEN hours < 32768 THEN CAST(hours / 2048 AS INTEGER) * 2048 WHEN hours < 65536 THEN CAST(hours / 4096 AS INTEGER) * 4096
       ELSE CAST(hours / 8192 AS INTEGER) * 8192 END) VIRTUAL;

-- The median's last step: the times of one stage and bucket left on the days of a range, in one
-- range scan of this index (it replaces the index by stage and day, which nothing reads any more).
DROP INDEX case_stage_durations_left;
CREATE INDEX case_stage_durations_bucket ON case_stage_durations (stage, histogram_bucket, left_on, hours);

-- The monthly histogram (0022) again, by the new buckets (same table and view names); and a daily
-- one for the days of the months a range cuts. Both kept by the triggers below, from the stays.
DROP TRIGGER case_stage_durations_counted_insert;
DROP TRIGGER case_stage_durations_counted_delete;
DROP VIEW case_stage_durations_monthly_recount;
DROP TABLE case_stage_durations_monthly;

CREATE TABLE case_stage_durations_monthly (
  month TEXT NOT NULL,                       -- YYYY-MM of left_on
  stage TEXT NOT NULL,
  bucket INTEGER NOT NULL,                   -- case_stage_durations.histogram_bucket
  count INTEGER NOT NULL,
  hundredths INTEGER NOT NULL,               -- the times summed in hundredths of an hour (they are to 0.01 h): exact in any order
  PRIMARY KEY (month, stage, bucket)
) STRICT, WITHOUT ROWID;

CREATE TABLE case_stage_durations_daily (
  left_on TEXT NOT NULL,                     -- YYYY-MM-DD, Asia/Jakarta
  stage TEXT NOT NULL,
  bucket INTEGER NOT NULL,                   -- case_stage_durations.histogram_bucket
  count INTEGER NOT NULL,
  hundredths INTEGER NOT NULL,
  PRIMARY KEY (left_on, stage, bucket)
) STRICT, WITHOUT ROWID;

CREATE VIEW case_stage_durations_monthly_recount AS
  SELECT substr(left_on, 1, 7) AS month, stage, histogram_bucket AS bucket, count(*) AS count, sum(CAST(round(hours * 100) AS INTEGER)) AS hundredths
    FROM case_stage_durations GROUP BY 1, 2, 3;

CREATE VIEW case_stage_durations_daily_recount AS
  SELECT left_on, stage, histogram_bucket AS bucket, count(*) AS count, sum(CAST(round(hours * 100) AS INTEGER)) AS hundredths
    FROM case_stage_durations GROUP BY 1, 2, 3;

-- A stay counted, uncounted, or (only by hand) changed. A bucket's row stays when its count falls
-- to 0; the reads skip it.
CREATE TRIGGER case_stage_durations_counted_insert AFTER INSERT ON case_stage_durations
BEGIN
  INSERT INTO case_stage_durations_monthly (month, stage, bucket, count, hundredths)
  VALUES (substr(new.left_on, 1, 7), new.stage, new.histogram_bucket, 1, CAST(round(new.hours * 100) AS INTEGER))
  ON CONFLICT (month, stage, bucket) DO UPDATE SET count = count + 1, hundredths = hundredths + excluded.hundredths;
  INSERT INTO case_stage_durations_daily (left_on, stage, bucket, count, hundredths)
  VALUES (new.left_on, new.stage, new.histogram_bucket, 1, CAST(round(new.hours * 100) AS INTEGER))
  ON CONFLICT (left_on, stage, bucket) DO UPDATE SET count = count + 1, hundredths = hundredths + excluded.hundredths;
END;

CREATE TRIGGER case_stage_durations_counted_delete AFTER DELETE ON case_stage_durations
BEGIN
  UPDATE case_stage_durations_monthly SET count = count - 1, hundredths = hundredths - CAST(round(old.hours * 100) AS INTEGER)
   WHERE month = substr(old.left_on, 1, 7) AND stage = old.stage AND bucket = old.histogram_bucket;
  UPDATE case_stage_durations_daily SET count = count - 1, hundredths = hundredths - CAST(round(old.hours * 100) AS INTEGER)
   WHERE left_on = old.left_on AND stage = old.stage AND bucket = old.histogram_bucket;
END;

CREATE TRIGGER case_stage_durations_counted_update AFTER UPDATE OF stage, left_on, hours ON case_stage_durations
BEGIN
  UPDATE case_stage_durations_monthly SET count = count - 1, hundredths = hundredths - CAST(round(old.hours * 100) AS INTEGER)
   WHERE month = substr(old.left_on, 1, 7) AND stage = old.stage AND bucket = old.histogram_bucket;
  UPDATE case_stage_durations_daily SET count = count - 1, hundredths = hundredths - CAST(round(old.hours * 100) AS INTEGER)
   WHERE left_on = old.left_on AND stage = old.stage AND bucket = old.histogram_bucket;
  INSERT INTO case_stage_durations_monthly (month, stage, bucket, count, hundredths)
  VALUES (substr(new.left_on, 1, 7), new.stage, new.histogram_bucket, 1, CAST(round(new.hours * 100) AS INTEGER))
  ON CONFLICT (month, stage, bucket) DO UPDATE SET count = count + 1, hundredths = hundredths + excluded.hundredths;
  INSERT INTO case_stage_durations_daily (left_on, stage, bucket, count, hundredths)
  VALUES (new.left_on, new.stage, new.histogram_bucket, 1, CAST(round(new.hours * 100) AS INTEGER))
  ON CONFLICT (left_on, stage, bucket) DO UPDATE SET count = count + 1, hundredths = hundredths + excluded.hundredths;
END;

-- Cases opened, and closed by outcome, per Jakarta day (outcome '' for a case closed without one,
-- read back as NULL): a year is a few thousand rows. Kept by triggers on case_statistics; its rows
-- outlive retention (case_id NULL), so the counts do too.
CREATE TABLE case_statistics_daily (
  day TEXT NOT NULL,                         -- YYYY-MM-DD, Asia/Jakarta
  measure TEXT NOT NULL,                     -- 'opened' (code '') or 'closed' (code: the outcome)
  code TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (measure, day, code)
) STRICT, WITHOUT ROWID;

CREATE VIEW case_statistics_daily_recount AS
  SELECT opened_on AS day, 'opened' AS measure, '' AS code, count(*) AS count FROM case_statistics GROUP BY 1
  UNION ALL
  SELECT closed_on, 'closed', coalesce(outcome, ''), count(*) FROM case_statistics WHERE closed_on IS NOT NULL GROUP BY 1, 3;

CREATE TRIGGER case_statistics_daily_insert AFTER INSERT ON case_statistics
BEGIN
  INSERT INTO case_statistics_daily (day, measure, code, count) VALUES (new.opened_on, 'opened', '', 1)
  ON CONFLICT (measure, day, code) DO UPDATE SET count = count + 1;
  INSERT INTO case_statistics_daily (day, measure, code, count)
  SELECT new.closed_on, 'closed', coalesce(new.outcome, ''), 1 WHERE new.closed_on IS NOT NULL
  ON CONFLICT (measure, day, code) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER case_statistics_daily_update AFTER UPDATE OF opened_on, closed_on, outcome ON case_statistics
BEGIN
  UPDATE case_statistics_daily SET count = count - 1 WHERE measure = 'opened' AND day = old.opened_on AND code = '';
  UPDATE case_statistics_daily SET count = count - 1
   WHERE old.closed_on IS NOT NULL AND measure = 'closed' AND day = old.closed_on AND code = coalesce(old.outcome, '');
  INSERT INTO case_statistics_daily (day, measure, code, count) VALUES (new.opened_on, 'opened', '', 1)
  ON CONFLICT (measure, day, code) DO UPDATE SET count = count + 1;
  INSERT INTO case_statistics_daily (day, measure, code, count)
  SELECT new.closed_on, 'closed', coalesce(new.outcome, ''), 1 WHERE new.closed_on IS NOT NULL
  ON CONFLICT (measure, day, code) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER case_statistics_daily_delete AFTER DELETE ON case_statistics
BEGIN
  UPDATE case_statistics_daily SET count = count - 1 WHERE measure = 'opened' AND day = old.opened_on AND code = '';
  UPDATE case_statistics_daily SET count = count - 1
   WHERE old.closed_on IS NOT NULL AND measure = 'closed' AND day = old.closed_on AND code = coalesce(old.outcome, '');
END;

-- The rows already there.
INSERT INTO case_stage_durations_monthly (month, stage, bucket, count, hundredths) SELECT * FROM case_stage_durations_monthly_recount;
INSERT INTO case_stage_durations_daily (left_on, stage, bucket, count, hundredths) SELECT * FROM case_stage_durations_daily_recount;
INSERT INTO case_statistics_daily (day, measure, code, count) SELECT * FROM case_statistics_daily_recount;
