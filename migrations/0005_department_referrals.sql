-- Referrals from government departments, and the API tokens their systems use.
-- (Numbers 3 and 4 were never used; none may take them now: src/data/migrate.ts refuses a
-- migration numbered below one already applied.)
-- A referral is a report with source 'department' plus what only a referral has (this table).
-- Client identity, consent details and actions taken are encrypted.

CREATE TABLE referrals (
  report_id INTEGER PRIMARY KEY REFERENCES reports (id),
  department_id INTEGER NOT NULL REFERENCES departments (id),
  officer_account_id INTEGER REFERENCES accounts (id),   -- NULL when it came through the API
  department_reference TEXT NOT NULL,                    -- the department's own reference
  client_enc TEXT NOT NULL,                              -- JSON: name, age, date of birth, sex, NIK, address, phone
  consent TEXT NOT NULL,                                 -- obtained | not_obtained
  consent_method TEXT,                                   -- written | verbal (when obtained)
  consent_by_enc TEXT,                                   -- who obtained it (when obtained)
  no_consent_ground TEXT,                                -- child_at_risk | danger_to_life (when not obtained)
  no_consent_justification_enc TEXT,
  actions_taken_enc TEXT,
  response_enc TEXT,                                     -- the explanation written for the department
  channel TEXT NOT NULL,                                 -- form | api
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX referrals_department ON referrals (department_id, report_id);
-- One referral per department reference: a retried API call cannot file the same client twice.
CREATE UNIQUE INDEX referrals_department_reference ON referrals (department_id, department_reference);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  department_id INTEGER NOT NULL REFERENCES departments (id),
  label TEXT NOT NULL,
  token_hash BLOB NOT NULL UNIQUE,                       -- HMAC of the token; the token is shown once
  created_by INTEGER REFERENCES accounts (id),
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
) STRICT;
CREATE INDEX api_tokens_department ON api_tokens (department_id);
