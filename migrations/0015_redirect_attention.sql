-- Which redirects still stand: the latest redirect of a report that is still 'redirected'.
--
-- The queue's "needing attention" panel (redirects declined, or not confirmed in time) and the
-- reminders looked for these among every declined or unanswered redirect ever made, checking each
-- against its report and any later redirect: a cost that grew with the years (a million reports
-- hold tens of thousands of declined redirects long since decided again), paid on every view of
-- the queue. The flag is kept by triggers, so every writer (services, seeds, retention) keeps it
-- right, and a partial index holds only the standing ones.
ALTER TABLE redirects ADD COLUMN standing INTEGER NOT NULL DEFAULT 0;

-- (The same as rebuildRedirectStanding in src/data/redirectRepository.ts, for a bulk load.)
UPDATE redirects SET standing = 1
 WHERE id IN (SELECT max(d.id) FROM redirects d JOIN reports r ON r.id = d.report_id WHERE r.status = 'redirected' GROUP BY d.report_id);

-- A new redirect stands if its report is (or already was marked) redirected; the earlier ones no longer.
CREATE TRIGGER redirects_standing_insert AFTER INSERT ON redirects
BEGIN
  UPDATE redirects SET standing = 0 WHERE report_id = new.report_id AND id <> new.id AND standing = 1;
  UPDATE redirects SET standing = coalesce((SELECT status = 'redirected' FROM reports WHERE id = new.report_id), 0)
   WHERE id = new.id;
END;

-- A report that becomes (again) redirected, or stops being so: its latest redirect follows.
CREATE TRIGGER redirects_standing_report AFTER UPDATE OF status ON reports
WHEN (old.status = 'redirected') <> (new.status = 'redirected')
BEGIN
  UPDATE redirects SET standing = (new.status = 'redirected')
   WHERE id = (SELECT max(id) FROM redirects WHERE report_id = new.id);
END;

-- The panel's two lists, each in its own order.
CREATE INDEX redirects_standing_declined ON redirects (ack_at) WHERE standing = 1 AND ack_status = 'declined';
CREATE INDEX redirects_standing_unconfirmed ON redirects (ack_due_at) WHERE standing = 1 AND ack_status = 'sent';

-- And their counts, without counting: standing redirects per answer, kept by triggers (the
-- unconfirmed ones past their time are those 'sent' less the few not yet due).
CREATE TABLE redirect_standing_counts (
  ack_status TEXT PRIMARY KEY,
  count INTEGER NOT NULL
) STRICT;
INSERT INTO redirect_standing_counts (ack_status, count)
  SELECT ack_status, count(*) FROM redirects WHERE standing = 1 GROUP BY ack_status;

CREATE TRIGGER redirects_standing_count_insert AFTER INSERT ON redirects WHEN new.standing = 1
BEGIN
  INSERT INTO redirect_standing_counts (ack_status, count) VALUES (new.ack_status, 1)
  ON CONFLICT (ack_status) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER redirects_standing_count_update AFTER UPDATE OF standing, ack_status ON redirects
WHEN old.standing <> new.standing OR old.ack_status <> new.ack_status
BEGIN
  UPDATE redirect_standing_counts SET count = count - 1 WHERE old.standing = 1 AND ack_status = old.ack_status;
  INSERT INTO redirect_standing_counts (ack_status, count) SELECT new.ack_status, 1 WHERE new.standing = 1
  ON CONFLICT (ack_status) DO UPDATE SET count = count + 1;
END;

-- A standing redirect deleted (retention deletes a report's redirects with it): the one before it, if any, is the latest now.
CREATE TRIGGER redirects_standing_delete AFTER DELETE ON redirects WHEN old.standing = 1
BEGIN
  UPDATE redirect_standing_counts SET count = count - 1 WHERE ack_status = old.ack_status;
  UPDATE redirects SET standing = coalesce((SELECT status = 'redirected' FROM reports WHERE id = old.report_id), 0)
   WHERE id = (SELECT max(id) FROM redirects WHERE report_id = old.report_id);
END;
