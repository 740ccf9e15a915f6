-- Idempotency-Key for POST /api/v1/referrals: a retried call gets the answer its first attempt got.
-- Written in the same transaction as the referral. Keys are per department. The body is kept only
-- as an HMAC (key derived from DATA_KEY: the body holds the client's identity, which a plain hash
-- of a guessable body would give away); the answer is the reference, status and status URL only.
-- `npm run retention` deletes keys after 7 days (IDEMPOTENCY_KEY_DAYS in src/domain/idempotency.ts).
CREATE TABLE api_idempotency_keys (
  department_id INTEGER NOT NULL REFERENCES departments (id),
  idempotency_key TEXT NOT NULL,
  request_hash BLOB NOT NULL,                -- HMAC-SHA-256 of the canonical body
  reference TEXT NOT NULL,                   -- the answer: 201 with this reference, status and URL
  status TEXT NOT NULL,
  status_url TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (department_id, idempotency_key)
) STRICT;
CREATE INDEX api_idempotency_keys_created ON api_idempotency_keys (created_at);
