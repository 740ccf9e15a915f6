-- Reports received at the office (/staff/intake): in person, by phone, WhatsApp, letter or outreach,
-- recorded by triage staff. Such a report has source 'intake', and its created_at is the time the
-- office RECEIVED it (which may be earlier than it was typed in), so that the triage due time, the
-- queue's age, the statistics' filing day and hours to decision all count from receipt.
-- This row says how it came and who took it; no content (the report row holds that, encrypted).
-- It goes with the report when retention deletes it; the statistics row (source 'intake') stays.
CREATE TABLE report_intakes (
  report_id INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
  channel TEXT NOT NULL CHECK (channel IN ('office', 'phone', 'whatsapp', 'letter', 'outreach')),
  taken_by INTEGER NOT NULL REFERENCES accounts (id),     -- the officer who took it (spoke with the reporter, opened the letter)
  recorded_by INTEGER NOT NULL REFERENCES accounts (id),  -- the signed-in account that typed it in
  recorded_at TEXT NOT NULL                               -- ISO 8601 UTC, when it was typed in; reports.created_at is when it was received
) STRICT;
