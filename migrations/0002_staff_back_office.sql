-- Staff accounts, the audit log, partner institutions, triage decisions, redirects and cases.
-- Sensitive text only in *_enc columns. Departments are created here because accounts refer to
-- them; their referrals come with 0005.

CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,                        -- triage | caseworker | supervisor | admin | department
  department_id INTEGER REFERENCES departments (id),
  password_hash TEXT,                        -- Argon2id; NULL until an invitation is accepted
  totp_secret_enc TEXT,                      -- NULL until the second factor is enrolled
  totp_last_step INTEGER,                    -- the last time step accepted: a code works once
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- One-time links: first-admin setup, invitations, second-factor resets. Only a hash is kept.
CREATE TABLE account_tokens (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts (id),
  purpose TEXT NOT NULL,                     -- setup | invite | totp_reset
  token_hash BLOB NOT NULL UNIQUE,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  created_at TEXT NOT NULL
) STRICT;

-- Which account a session belongs to, so that deactivating an account can end its sessions.
ALTER TABLE sessions ADD COLUMN account_id INTEGER;
CREATE INDEX sessions_account ON sessions (account_id);

-- Append-only, hash-chained (HMAC under a key outside the database). Never report content.
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_account_id INTEGER,                  -- NULL: the system, or a login attempt for no known account
  action TEXT NOT NULL,
  subject_type TEXT,
  subject_id TEXT,
  detail TEXT,                               -- small JSON of codes (a status, a reason code), never free text
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_actor ON audit_events (actor_account_id, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE partners (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  areas_served TEXT NOT NULL DEFAULT '',     -- kecamatan codes, comma-separated; empty: the whole city
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE case_sequences (
  year INTEGER PRIMARY KEY,
  last_number INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,               -- LK3/2026/0001
  stage TEXT NOT NULL,
  on_hold INTEGER NOT NULL DEFAULT 0,
  risk_level TEXT,                           -- low | medium | high
  risk_factors_enc TEXT,
  protective_factors_enc TEXT,
  assigned_to INTEGER REFERENCES accounts (id),
  opened_at TEXT NOT NULL,
  closed_at TEXT,
  closure_reason TEXT,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX cases_assignee ON cases (assigned_to, closed_at, id);
CREATE INDEX cases_open ON cases (closed_at, id);

-- A case's timeline: notes (encrypted) and what changed (codes only).
CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  account_id INTEGER REFERENCES accounts (id),
  kind TEXT NOT NULL,                        -- opened | note | stage_changed | assigned | risk_changed | hold | resumed | closed | report_added
  code TEXT,                                 -- the new stage, risk level, closure reason…
  body_enc TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_events_case ON case_events (case_id, id);

ALTER TABLE reports ADD COLUMN urgency_rank INTEGER GENERATED ALWAYS AS
  (CASE urgency WHEN 'immediate' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END) VIRTUAL;
ALTER TABLE reports ADD COLUMN department_id INTEGER REFERENCES departments (id);
ALTER TABLE reports ADD COLUMN claimed_by INTEGER REFERENCES accounts (id);
ALTER TABLE reports ADD COLUMN claimed_at TEXT;
ALTER TABLE reports ADD COLUMN decided_by INTEGER REFERENCES accounts (id);
ALTER TABLE reports ADD COLUMN decided_at TEXT;
ALTER TABLE reports ADD COLUMN decision_reason TEXT;       -- a reason code
ALTER TABLE reports ADD COLUMN decision_note_enc TEXT;     -- the staff member's note on the decision
ALTER TABLE reports ADD COLUMN duplicate_of INTEGER REFERENCES reports (id);
ALTER TABLE reports ADD COLUMN case_id INTEGER REFERENCES cases (id);
ALTER TABLE reports ADD COLUMN escalated_at TEXT;
ALTER TABLE reports ADD COLUMN escalated_to TEXT;          -- 112 | 110

-- The queue: open reports by urgency then due time (keyset pagination on these columns), and
-- one status at a time for the other filters.
DROP INDEX reports_status_due;
CREATE INDEX reports_open_queue ON reports (urgency_rank, sla_due_at, id)
  WHERE status IN ('new', 'in_review', 'awaiting_info');
CREATE INDEX reports_status_queue ON reports (status, urgency_rank, sla_due_at, id);
CREATE INDEX reports_claimed ON reports (claimed_by, status);
CREATE INDEX reports_case ON reports (case_id);

-- Counts per status, kept by triggers, so the queue never counts a large table.
CREATE TABLE report_status_counts (
  status TEXT PRIMARY KEY,
  count INTEGER NOT NULL
) STRICT;
INSERT INTO report_status_counts (status, count) SELECT status, count(*) FROM reports GROUP BY status;
CREATE TRIGGER reports_count_insert AFTER INSERT ON reports
BEGIN
  INSERT INTO report_status_counts (status, count) VALUES (new.status, 1)
  ON CONFLICT (status) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER reports_count_delete AFTER DELETE ON reports
BEGIN
  UPDATE report_status_counts SET count = count - 1 WHERE status = old.status;
END;
CREATE TRIGGER reports_count_update AFTER UPDATE OF status ON reports WHEN old.status <> new.status
BEGIN
  UPDATE report_status_counts SET count = count - 1 WHERE status = old.status;
  INSERT INTO report_status_counts (status, count) VALUES (new.status, 1)
  ON CONFLICT (status) DO UPDATE SET count = count + 1;
END;

CREATE TABLE redirects (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports (id),
  partner_id INTEGER NOT NULL REFERENCES partners (id),
  reason_code TEXT NOT NULL,
  summary_enc TEXT NOT NULL,                 -- written by staff for the partner
  reporter_explanation_enc TEXT NOT NULL,    -- written by staff for the reporter
  ack_status TEXT NOT NULL DEFAULT 'sent',   -- sent | received | accepted | declined
  ack_reason_enc TEXT,
  ack_at TEXT,
  created_by INTEGER REFERENCES accounts (id),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX redirects_report ON redirects (report_id);
CREATE INDEX redirects_partner ON redirects (partner_id);

ALTER TABLE messages ADD COLUMN account_id INTEGER REFERENCES accounts (id);
