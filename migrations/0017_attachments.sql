-- Files attached to a report: by the resident with the report or a later message, by staff at
-- intake, by a department with a referral. Only JPEG, PNG, WebP and PDF, re-encoded or cleaned of
-- their metadata before they are stored (security/attachmentSanitiser.ts). The name a person gave
-- the file and its bytes are encrypted with the field cipher, each under its own row's context;
-- the rows go with their report (retention) and are in every backup of the database.
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,   -- a reporter's follow-up message
  source TEXT NOT NULL,                      -- reporter | department | staff
  added_by_account_id INTEGER REFERENCES accounts (id),            -- staff who added it at intake
  media_type TEXT NOT NULL,                  -- image/jpeg | image/png | image/webp | application/pdf (detected)
  size_bytes INTEGER NOT NULL,               -- of the stored (cleaned) file
  name_enc TEXT NOT NULL,                    -- display name, sanitised
  content_enc BLOB NOT NULL,                 -- AES-256-GCM, context attachments.content:<id>
  created_at TEXT NOT NULL
) STRICT;

CREATE INDEX attachments_report ON attachments (report_id, id);
CREATE INDEX attachments_message ON attachments (message_id) WHERE message_id IS NOT NULL;
