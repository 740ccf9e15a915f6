-- A case's intervention plan (goals, their activities, progress and reviews) and its follow-ups
-- (home visits, calls, office meetings). What a worker writes about a family is in *_enc columns;
-- dates (YYYY-MM-DD on the Jakarta calendar), codes and account ids stay plain: they drive the due
-- lists and the statistics by LK3 function. Each row goes with its case (ON DELETE CASCADE), so
-- retention purges them when it purges the case.

-- One row per case with a plan: when it is next reviewed.
CREATE TABLE case_plans (
  case_id INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  next_review_on TEXT,                       -- YYYY-MM-DD
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_plans_review ON case_plans (next_review_on) WHERE next_review_on IS NOT NULL;

CREATE TABLE case_plan_goals (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  text_enc TEXT NOT NULL,
  created_by INTEGER REFERENCES accounts (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_plan_goals_case ON case_plan_goals (case_id, id);

CREATE TABLE case_plan_activities (
  id INTEGER PRIMARY KEY,
  goal_id INTEGER NOT NULL REFERENCES case_plan_goals (id) ON DELETE CASCADE,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  title_enc TEXT NOT NULL,
  lk3_function TEXT NOT NULL CHECK (lk3_function IN
    ('information', 'referral', 'empowerment', 'protection', 'networking', 'family_strengthening')),
  -- Who carries it out: a staff account, or (encrypted) a family member or partner named in words.
  responsible_account_id INTEGER REFERENCES accounts (id),
  responsible_other_enc TEXT,
  due_on TEXT NOT NULL,                      -- YYYY-MM-DD
  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  ended_at TEXT,                             -- when it became done or dropped
  CHECK ((responsible_account_id IS NULL) <> (responsible_other_enc IS NULL))
) STRICT;
CREATE INDEX case_plan_activities_goal ON case_plan_activities (goal_id, id);
CREATE INDEX case_plan_activities_case ON case_plan_activities (case_id, id);
CREATE INDEX case_plan_activities_open_due ON case_plan_activities (due_on) WHERE status IN ('planned', 'in_progress');

-- Each status change or progress note on an activity.
CREATE TABLE case_plan_progress (
  id INTEGER PRIMARY KEY,
  activity_id INTEGER NOT NULL REFERENCES case_plan_activities (id) ON DELETE CASCADE,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  account_id INTEGER REFERENCES accounts (id),
  status TEXT NOT NULL,
  note_enc TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_plan_progress_activity ON case_plan_progress (activity_id, id);

-- A review of the plan: what progress was found, and when the next review is.
CREATE TABLE case_plan_reviews (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  account_id INTEGER REFERENCES accounts (id),
  reviewed_on TEXT NOT NULL,                 -- YYYY-MM-DD
  note_enc TEXT NOT NULL,
  next_review_on TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_plan_reviews_case ON case_plan_reviews (case_id, id);

CREATE TABLE case_follow_ups (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('home_visit', 'call', 'office_meeting')),
  held_on TEXT NOT NULL,                     -- YYYY-MM-DD
  outcome_enc TEXT NOT NULL,
  next_on TEXT,                              -- the next follow-up's date; the latest follow-up's is the one due
  recorded_by INTEGER REFERENCES accounts (id),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_follow_ups_case ON case_follow_ups (case_id, held_on, id);

-- Who went (or called): staff accounts.
CREATE TABLE case_follow_up_staff (
  follow_up_id INTEGER NOT NULL REFERENCES case_follow_ups (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  PRIMARY KEY (follow_up_id, account_id)
) STRICT, WITHOUT ROWID;
