-- Closing a case (issue 13): an outcome and a closing summary; and the case statistics — cases
-- closed by outcome, plan activities by LK3 function, time spent in each stage — kept apart from
-- the content like report_statistics (0010), so retention never changes a past period's numbers.

-- The worker's closing summary, encrypted with the field cipher (context cases.closing_summary:<id>).
ALTER TABLE cases ADD COLUMN closing_summary_enc TEXT;

-- Closure reasons become outcomes (src/domain/cases.ts caseClosureOutcomes). Two old codes say the
-- same as a new one; `referred_out` did not record whether the partner accepted, so it stays as it
-- was (still labelled, never offered again). The audit log keeps the codes it was written with.
UPDATE cases SET closure_reason = CASE closure_reason WHEN 'goals_achieved' THEN 'goals_met' ELSE 'family_declined' END
 WHERE closure_reason IN ('goals_achieved', 'client_withdrew');
UPDATE case_events SET code = CASE code WHEN 'goals_achieved' THEN 'goals_met' ELSE 'family_declined' END
 WHERE kind = 'closed' AND code IN ('goals_achieved', 'client_withdrew');

-- One anonymised row per case: the Jakarta calendar days it was opened and closed, its outcome, and
-- the category and kecamatan of the report it was opened from. No number, no content, no timestamp.
-- When retention deletes the case, the row stays, unlinked (case_id becomes NULL).
CREATE TABLE case_statistics (
  id INTEGER PRIMARY KEY,
  case_id INTEGER UNIQUE,                    -- the case while it exists; NULL once purged (no FK: the row outlives it)
  opened_on TEXT NOT NULL,                   -- YYYY-MM-DD, Asia/Jakarta
  category TEXT,                             -- of the report the case was opened from
  kecamatan_code TEXT,
  closed_on TEXT,                            -- YYYY-MM-DD, Asia/Jakarta; NULL while open
  outcome TEXT                               -- cases.closure_reason; NULL while open
) STRICT;
CREATE INDEX case_statistics_opened ON case_statistics (opened_on);
CREATE INDEX case_statistics_closed ON case_statistics (closed_on, outcome) WHERE closed_on IS NOT NULL;

-- One row each time a case left a stage (moved to another, or was closed): which stage, the
-- Jakarta day it left it, and how long it was there (hours, to 0.01 h; time on hold included).
-- The stage a case is in now is not counted until it leaves it.
CREATE TABLE case_stage_durations (
  id INTEGER PRIMARY KEY,
  case_statistics_id INTEGER NOT NULL REFERENCES case_statistics (id),
  stage TEXT NOT NULL,
  left_on TEXT NOT NULL,                     -- YYYY-MM-DD, Asia/Jakarta
  hours REAL NOT NULL,
  -- The histogram bucket of the time, as report_statistics' (0013): whole hours from its lower
  -- bound, one hour below 2 days, 6 hours below 2 weeks, a day beyond; -1 for a negative time.
  bucket INTEGER GENERATED ALWAYS AS (
    CASE WHEN hours < 0 THEN -1 WHEN hours < 48 THEN CAST(hours AS INTEGER)
         WHEN hours < 336 THEN CAST(hours / 6 AS INTEGER) * 6 ELSE CAST(hours / 24 AS INTEGER) * 24 END) VIRTUAL
) STRICT;
-- A stage's stays left on the days of a range, in order of time: the median's last step and the part-months of a range.
CREATE INDEX case_stage_durations_left ON case_stage_durations (stage, left_on, hours);
CREATE INDEX case_stage_durations_case ON case_stage_durations (case_statistics_id);

-- The stays by stage, month left and bucket, with their hours summed: a year is a few thousand rows
-- however many cases it holds. The page reads the whole months of a range here, the days of the
-- months it cuts from case_stage_durations, and the median exactly from its bucket's times alone
-- (src/data/caseStatisticsRepository.ts). Kept by triggers on case_stage_durations below.
CREATE TABLE case_stage_durations_monthly (
  month TEXT NOT NULL,                       -- YYYY-MM of left_on
  stage TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  hours REAL NOT NULL,
  PRIMARY KEY (month, stage, bucket)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER case_stage_durations_counted_insert AFTER INSERT ON case_stage_durations
BEGIN
  INSERT INTO case_stage_durations_monthly (month, stage, bucket, count, hours)
  VALUES (substr(new.left_on, 1, 7), new.stage, new.bucket, 1, new.hours)
  ON CONFLICT (month, stage, bucket) DO UPDATE SET count = count + 1, hours = hours + excluded.hours;
END;

-- Only rebuildCaseStatistics deletes stays (of cases that still exist, to count them again).
CREATE TRIGGER case_stage_durations_counted_delete AFTER DELETE ON case_stage_durations
BEGIN
  UPDATE case_stage_durations_monthly SET count = count - 1, hours = hours - old.hours
   WHERE month = substr(old.left_on, 1, 7) AND stage = old.stage AND bucket = old.bucket;
END;

CREATE VIEW case_stage_durations_monthly_recount AS
  SELECT substr(left_on, 1, 7) AS month, stage, bucket, count(*) AS count, sum(hours) AS hours
    FROM case_stage_durations GROUP BY 1, 2, 3;

-- One row per intervention plan activity (case_plan_activities, 0020): the Jakarta day it was
-- planned, its LK3 function and its status, kept in step by triggers; unlinked when the activity
-- goes with its case.
CREATE TABLE case_activity_statistics (
  id INTEGER PRIMARY KEY,
  activity_id INTEGER UNIQUE,                -- NULL once purged
  case_statistics_id INTEGER REFERENCES case_statistics (id),
  planned_on TEXT NOT NULL,                  -- YYYY-MM-DD, Asia/Jakarta
  lk3_function TEXT NOT NULL,
  status TEXT NOT NULL
) STRICT;
CREATE INDEX case_activity_statistics_planned ON case_activity_statistics (planned_on, lk3_function);

-- What the tables hold, recounted from the cases, their timelines and their activities: fills them
-- below, and rebuildCaseStatistics (src/data/caseStatisticsRepository.ts) after a bulk load; the
-- tests compare what the triggers keep with it. The report a case was opened from is named by its
-- 'opened' event; failing that, its first report.
CREATE VIEW case_statistics_recount AS
  SELECT c.id AS case_id, date(c.opened_at, '+7 hours') AS opened_on, r.category, r.kecamatan_code,
         CASE WHEN c.closed_at IS NULL THEN NULL ELSE date(c.closed_at, '+7 hours') END AS closed_on,
         CASE WHEN c.closed_at IS NULL THEN NULL ELSE c.closure_reason END AS outcome
    FROM cases c
    LEFT JOIN reports r ON r.id = coalesce(
      (SELECT r1.id FROM case_events e JOIN reports r1 ON r1.reference = e.code WHERE e.case_id = c.id AND e.kind = 'opened' ORDER BY e.id LIMIT 1),
      (SELECT min(r2.id) FROM reports r2 WHERE r2.case_id = c.id));

-- Each stage a case entered (at opening: intake, at cases.opened_at; then each stage_changed event)
-- ends at the next move (a stage change or the closure).
CREATE VIEW case_stage_durations_recount AS
  WITH moves AS (
    SELECT case_id, id, kind, code, created_at FROM case_events WHERE kind IN ('stage_changed', 'closed')
    UNION ALL SELECT id, 0, 'opened', 'intake', opened_at FROM cases
  ), ordered AS (
    SELECT case_id, kind, created_at,
           lag(CASE WHEN kind = 'closed' THEN NULL ELSE code END) OVER w AS stage,
           lag(created_at) OVER w AS entered_at
      FROM moves WINDOW w AS (PARTITION BY case_id ORDER BY id)
  )
  SELECT case_id, stage, date(created_at, '+7 hours') AS left_on,
         round((julianday(created_at) - julianday(entered_at)) * 24, 2) AS hours
    FROM ordered WHERE kind <> 'opened' AND stage IS NOT NULL;

CREATE VIEW case_activity_statistics_recount AS
  SELECT a.id AS activity_id, a.case_id, date(a.created_at, '+7 hours') AS planned_on, a.lk3_function, a.status
    FROM case_plan_activities a;

-- A case opened: its row (triage opens it at 'intake'; the report comes with the 'opened' event).
CREATE TRIGGER case_statistics_insert AFTER INSERT ON cases
BEGIN
  INSERT INTO case_statistics (case_id, opened_on, closed_on, outcome)
  VALUES (new.id, date(new.opened_at, '+7 hours'),
          CASE WHEN new.closed_at IS NULL THEN NULL ELSE date(new.closed_at, '+7 hours') END,
          CASE WHEN new.closed_at IS NULL THEN NULL ELSE new.closure_reason END);
END;

CREATE TRIGGER case_statistics_update AFTER UPDATE OF opened_at, closed_at, closure_reason ON cases
BEGIN
  UPDATE case_statistics SET
    opened_on = date(new.opened_at, '+7 hours'),
    closed_on = CASE WHEN new.closed_at IS NULL THEN NULL ELSE date(new.closed_at, '+7 hours') END,
    outcome = CASE WHEN new.closed_at IS NULL THEN NULL ELSE new.closure_reason END
  WHERE case_id = new.id;
END;

-- Retention deletes the case; its statistics stay, no longer pointing at it.
CREATE TRIGGER case_statistics_unlink AFTER DELETE ON cases
BEGIN
  UPDATE case_statistics SET case_id = NULL WHERE case_id = old.id;
END;

-- The 'opened' event names the report the case was opened from (its code is the report's reference).
CREATE TRIGGER case_statistics_first_report AFTER INSERT ON case_events
WHEN new.kind = 'opened'
BEGIN
  UPDATE case_statistics SET
    category = (SELECT category FROM reports WHERE reference = new.code),
    kecamatan_code = (SELECT kecamatan_code FROM reports WHERE reference = new.code)
  WHERE case_id = new.case_id AND category IS NULL AND EXISTS (SELECT 1 FROM reports WHERE reference = new.code);
END;

-- A move to another stage, or the closure: the stage left, and how long the case was in it (since
-- its latest stage change before this event, or since it was opened).
CREATE TRIGGER case_stage_left AFTER INSERT ON case_events
WHEN new.kind IN ('stage_changed', 'closed')
BEGIN
  INSERT INTO case_stage_durations (case_statistics_id, stage, left_on, hours)
  SELECT s.id, p.stage, date(new.created_at, '+7 hours'), round((julianday(new.created_at) - julianday(p.entered_at)) * 24, 2)
    FROM case_statistics s,
         (SELECT stage, entered_at FROM (
            SELECT e.id AS id, e.code AS stage, e.created_at AS entered_at FROM case_events e
             WHERE e.case_id = new.case_id AND e.kind = 'stage_changed' AND e.id < new.id
            UNION ALL SELECT 0, 'intake', c.opened_at FROM cases c WHERE c.id = new.case_id)
          ORDER BY id DESC LIMIT 1) p
   WHERE s.case_id = new.case_id;
END;

-- Plan activities (0020): counted when planned, kept in step when their function or status changes.
CREATE TRIGGER case_activity_statistics_insert AFTER INSERT ON case_plan_activities
BEGIN
  INSERT INTO case_activity_statistics (activity_id, case_statistics_id, planned_on, lk3_function, status)
  VALUES (new.id, (SELECT id FROM case_statistics WHERE case_id = new.case_id), date(new.created_at, '+7 hours'), new.lk3_function, new.status);
END;

CREATE TRIGGER case_activity_statistics_update AFTER UPDATE OF lk3_function, status, created_at ON case_plan_activities
BEGIN
  UPDATE case_activity_statistics SET
    lk3_function = new.lk3_function, status = new.status, planned_on = date(new.created_at, '+7 hours')
  WHERE activity_id = new.id;
END;

CREATE TRIGGER case_activity_statistics_unlink AFTER DELETE ON case_plan_activities
BEGIN
  UPDATE case_activity_statistics SET activity_id = NULL WHERE activity_id = old.id;
END;

-- The cases, stage moves and activities already there.
INSERT INTO case_statistics (case_id, opened_on, category, kecamatan_code, closed_on, outcome)
  SELECT case_id, opened_on, category, kecamatan_code, closed_on, outcome FROM case_statistics_recount ORDER BY case_id;
INSERT INTO case_stage_durations (case_statistics_id, stage, left_on, hours)
  SELECT s.id, d.stage, d.left_on, d.hours FROM case_stage_durations_recount d JOIN case_statistics s ON s.case_id = d.case_id;
INSERT INTO case_activity_statistics (activity_id, case_statistics_id, planned_on, lk3_function, status)
  SELECT a.activity_id, s.id, a.planned_on, a.lk3_function, a.status
    FROM case_activity_statistics_recount a LEFT JOIN case_statistics s ON s.case_id = a.case_id ORDER BY a.activity_id;
