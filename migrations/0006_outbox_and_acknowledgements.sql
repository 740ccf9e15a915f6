-- The durable email outbox, and partners' acknowledgements of redirects.

-- An email is written here in the same transaction as the action that causes it, and sent by a
-- worker. The recipient and the parameters are encrypted (a reporter's address is a contact
-- detail; a partner's email carries the summary written for them).
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  recipient_enc TEXT NOT NULL,
  recipient_kind TEXT NOT NULL,              -- triage | partner | officer | reporter | staff
  template TEXT NOT NULL,
  params_enc TEXT NOT NULL,                  -- JSON
  locale TEXT NOT NULL,                      -- id | en
  message_id TEXT NOT NULL UNIQUE,           -- one Message-ID per email, kept across retries
  status TEXT NOT NULL DEFAULT 'pending',    -- pending | sent | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,                           -- the SMTP answer or the error's code, never content
  created_at TEXT NOT NULL,
  sent_at TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- When a redirect should have been acknowledged, and when the one reminder went out.
ALTER TABLE redirects ADD COLUMN ack_due_at TEXT;
ALTER TABLE redirects ADD COLUMN reminded_at TEXT;
CREATE INDEX redirects_unacknowledged ON redirects (ack_status, ack_due_at);
