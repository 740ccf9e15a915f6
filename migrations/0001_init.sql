-- Reports from residents, their public timeline and messages, the holiday calendar for the
-- working-day clock, and sessions. Sensitive text lives only in *_enc columns (AES-256-GCM).
-- Nothing about a visitor (address, user agent, referrer) has a column anywhere.

CREATE TABLE report_sequences (
  year INTEGER PRIMARY KEY,
  last_number INTEGER NOT NULL
) STRICT;

CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,            -- LAP-2026-000123
  receipt_hash BLOB UNIQUE,                  -- HMAC-SHA-256 of the 16-digit receipt; NULL once purged
  source TEXT NOT NULL,                      -- public | department
  category TEXT NOT NULL,
  kecamatan_code TEXT NOT NULL,
  kelurahan_code TEXT,
  location_detail_enc TEXT,
  narrative_enc TEXT NOT NULL,
  urgency TEXT NOT NULL,                     -- immediate | urgent | normal
  reporter_relation TEXT NOT NULL,
  contact_enc TEXT,                          -- JSON: name, phone, email, channel, hours, leave message
  wants_contact INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  sla_due_at TEXT NOT NULL,                  -- ISO 8601 UTC
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX reports_status_due ON reports (status, sla_due_at);

CREATE TABLE report_affected_groups (
  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  group_code TEXT NOT NULL,
  PRIMARY KEY (report_id, group_code)
) STRICT, WITHOUT ROWID;

-- What the reporter's timeline is made of: status changes and who wrote, never content.
CREATE TABLE report_events (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                        -- submitted | status_changed | reporter_message | staff_message
  status TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE INDEX report_events_report ON report_events (report_id, id);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  author TEXT NOT NULL,                      -- reporter | staff | department
  body_enc TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE INDEX messages_report ON messages (report_id, id);

-- Non-working days for the triage clock (Asia/Jakarta calendar), besides weekends.
CREATE TABLE holidays (
  date TEXT PRIMARY KEY,                     -- YYYY-MM-DD
  name_id TEXT NOT NULL,
  name_en TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
  sid TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  expires_at INTEGER NOT NULL                -- epoch milliseconds
) STRICT;

CREATE INDEX sessions_expiry ON sessions (expires_at);
