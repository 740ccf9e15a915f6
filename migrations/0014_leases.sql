-- Leases: work that must run in one process at a time, whichever process or machine tries (the
-- outbox worker of each server process, `npm run outbox:drain`). A holder takes a lease that is
-- free, expired, or held by a process on its own machine that has died; renews it while it works
-- (src/services/lease.ts); and deletes it when done. A holder that died on another machine holds it
-- until `expires_at` at most. `host` and `pid` name the holder's process, for that check and for the
-- operator; nothing about clients.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,                     -- what is held: 'outbox'
  holder TEXT NOT NULL,                      -- who holds it: a description and a random id, unique per holder
  host TEXT NOT NULL,                        -- the holder's machine (os.hostname())
  pid INTEGER NOT NULL,                      -- the holder's process on that machine
  acquired_at TEXT NOT NULL,
  expires_at TEXT NOT NULL                   -- free for anyone from then on, unless renewed
) STRICT;
