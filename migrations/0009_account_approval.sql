-- An administrator cannot grant content to an account of their own. An invitation with a
-- role that sees content (triage, caseworker, supervisor) waits for a supervisor's approval before
-- any invitation link exists. NULL: no approval needed (administrators, department officers,
-- accounts made from the server's shell, and every account made before this migration).
ALTER TABLE accounts ADD COLUMN approval TEXT CHECK (approval IN ('pending', 'approved', 'refused'));
ALTER TABLE accounts ADD COLUMN approval_requested_by INTEGER REFERENCES accounts (id);
ALTER TABLE accounts ADD COLUMN approval_decided_by INTEGER REFERENCES accounts (id);
ALTER TABLE accounts ADD COLUMN approval_decided_at TEXT;

-- A content-role invitation an administrator made before this version, not yet accepted, waits
-- for a supervisor too: the administrator may have kept its link, which therefore stops working.
-- (Invitations made only from the server's shell stay as they are.)
UPDATE accounts SET
  approval = 'pending',
  approval_requested_by = (
    SELECT e.actor_account_id FROM audit_events e
    WHERE e.action = 'account.invited' AND e.subject_type = 'account' AND e.subject_id = CAST(accounts.id AS TEXT)
      AND json_extract(e.detail, '$.via') = 'admin'
    ORDER BY e.id DESC LIMIT 1)
WHERE role IN ('triage', 'caseworker', 'supervisor') AND password_hash IS NULL AND active = 1
  AND EXISTS (
    SELECT 1 FROM audit_events e
    WHERE e.action = 'account.invited' AND e.subject_type = 'account' AND e.subject_id = CAST(accounts.id AS TEXT)
      AND json_extract(e.detail, '$.via') = 'admin');
DELETE FROM account_tokens
WHERE purpose = 'invite' AND used_at IS NULL AND account_id IN (SELECT id FROM accounts WHERE approval = 'pending');

-- A report reopened after it was accepted kept its case_id, and with it the case's
-- caseworker kept reading (and acting on) it. From now on a reopen detaches the report; reports
-- reopened before leave their case here, with a "report detached" event on the case's timeline
-- (no author: the migration did it; the audit log cannot be written from SQL).
INSERT INTO case_events (case_id, account_id, kind, code, body_enc, created_at)
  SELECT case_id, NULL, 'report_detached', reference, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM reports WHERE case_id IS NOT NULL AND status <> 'accepted' ORDER BY id;
UPDATE reports SET case_id = NULL WHERE case_id IS NOT NULL AND status <> 'accepted';
