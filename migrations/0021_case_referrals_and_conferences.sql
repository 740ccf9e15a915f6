-- The working file of a case (issue 13): referrals out to partner institutions, and case conferences.

-- A family referred from a case to a partner, with its consent. The partner answers through a signed
-- link, as for a redirect (ack_status: sent → received → accepted | declined). Who consented, the
-- summary and the request written for the partner, and the partner's reason for declining are
-- encrypted (field cipher, context bound to the row); codes and dates stay plain.
CREATE TABLE case_referrals (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  partner_id INTEGER NOT NULL REFERENCES partners (id),
  consent_by_enc TEXT NOT NULL,
  consent_method TEXT NOT NULL,                 -- written | verbal | guardian
  consent_on TEXT NOT NULL,                     -- YYYY-MM-DD, Asia/Jakarta
  summary_enc TEXT NOT NULL,
  request_enc TEXT NOT NULL,
  created_by INTEGER REFERENCES accounts (id),
  created_at TEXT NOT NULL,
  ack_status TEXT NOT NULL DEFAULT 'sent',
  ack_at TEXT,
  ack_reason_enc TEXT,
  ack_by INTEGER REFERENCES accounts (id),      -- staff who recorded an answer given by phone; NULL through the link
  ack_due_at TEXT,
  reminded_at TEXT
) STRICT;
CREATE INDEX case_referrals_case ON case_referrals (case_id, id);
-- The reminders: unanswered referrals past their time, not reminded yet.
CREATE INDEX case_referrals_unanswered ON case_referrals (ack_due_at) WHERE ack_status = 'sent' AND reminded_at IS NULL;

-- A case conference recorded by a supervisor: when, who attended (staff accounts, partners, and
-- others by free text), the decisions and the next steps. The texts are encrypted.
CREATE TABLE case_conferences (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  held_on TEXT NOT NULL,                        -- YYYY-MM-DD, Asia/Jakarta
  other_attendees_enc TEXT,
  decisions_enc TEXT NOT NULL,
  next_steps_enc TEXT,
  recorded_by INTEGER REFERENCES accounts (id),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_conferences_case ON case_conferences (case_id, held_on);

CREATE TABLE case_conference_staff (
  conference_id INTEGER NOT NULL REFERENCES case_conferences (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  PRIMARY KEY (conference_id, account_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE case_conference_partners (
  conference_id INTEGER NOT NULL REFERENCES case_conferences (id) ON DELETE CASCADE,
  partner_id INTEGER NOT NULL REFERENCES partners (id),
  PRIMARY KEY (conference_id, partner_id)
) STRICT, WITHOUT ROWID;
