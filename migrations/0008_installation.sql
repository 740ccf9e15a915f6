-- Facts about the installation itself. `key_check` is an HMAC (under a key derived from DATA_KEY)
-- of a fixed text: it tells at start whether the data key in hand is the one the data was written
-- with, without holding anything that would help to find the key. `health_probe` is written and
-- rolled back by /healthz to learn whether the database can still be written; it never holds a row.

CREATE TABLE installation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key_check TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_started_at TEXT NOT NULL
) STRICT;

CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY,
  filler BLOB NOT NULL
) STRICT;
