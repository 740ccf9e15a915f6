import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type session from 'express-session';
import { openDatabase, type Db } from '../../src/data/db';
import { migrate } from '../../src/data/migrate';
import { migrationsDir } from '../../src/paths';
import { SqliteSessionStore, TOUCH_AFTER_MS } from '../../src/data/sessionStore';

/** The idle expiry moves on with activity, but is written at most once a minute per session. */
describe('the session store', () => {
  const IDLE_MS = 30 * 60 * 1000;
  let dir: string;
  let db: Db;
  let store: SqliteSessionStore;
  let clock: number;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-sessions-'));
    db = openDatabase(path.join(dir, 'lentera.db'));
    migrate(db, migrationsDir);
    clock = Date.parse('2026-01-05T03:00:00Z');
    store = new SqliteSessionStore(db, IDLE_MS, () => clock);
  });
  afterEach(() => {
    store.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const data = { cookie: {}, notice: 'x' } as unknown as session.SessionData;
  const expiresAt = () => db.prepare("SELECT expires_at FROM sessions WHERE sid = 's1'").pluck().get() as number;
  const touch = () => store.touch('s1', data);
  const found = () => new Promise((resolve) => store.get('s1', (_err, s) => resolve(s ?? null)));

  it('leaves the row alone while the expiry would move by less than a minute, and moves it after', async () => {
    store.set('s1', data);
    const set = expiresAt();
    expect(set).toBe(clock + IDLE_MS);

    clock += TOUCH_AFTER_MS - 1000;
    const before = db.prepare('SELECT total_changes()').pluck().get();
    touch();
    expect(db.prepare('SELECT total_changes()').pluck().get()).toBe(before);
    expect(expiresAt()).toBe(set);

    clock += 2000;
    touch();
    expect(expiresAt()).toBe(clock + IDLE_MS);
  });

  it('keeps a session active every few seconds alive past its first 30 minutes, and ends it 30 idle minutes after', async () => {
    store.set('s1', data);
    for (let i = 0; i < 100; i += 1) {
      clock += 20_000;
      expect(await found()).not.toBeNull();
      touch();
    }
    // The last write was at most a minute ago: it ends between 29 and 30 idle minutes from now.
    clock += IDLE_MS - 2 * TOUCH_AFTER_MS;
    expect(await found()).not.toBeNull();
    clock += 2 * TOUCH_AFTER_MS;
    expect(await found()).toBeNull();
  });
});
