import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Secrets {
  dataKey: Buffer;
  sessionSecret: string;
}

function parseDataKey(value: string, source: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error(`${source}: DATA_KEY must be 32 bytes, as 64 hex digits or base64`);
  return key;
}

/** Reads a secret file from the data directory, or creates it (mode 0600) the first time. */
function readOrCreate(file: string, create: () => string, warn: (m: string) => void, why: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const value = create();
  fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  warn(`Generated ${file} because it was not set in the environment. ${why}`);
  return value;
}

/**
 * DATA_KEY and SESSION_SECRET come from the environment when set; otherwise from files in the data
 * directory, generated on first start. Either way they stay outside the database.
 */
export function loadSecrets(
  dataDir: string,
  fromEnv: { dataKey?: string; sessionSecret?: string },
  warn: (message: string) => void,
): Secrets {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dataKey = fromEnv.dataKey
    ? parseDataKey(fromEnv.dataKey, 'environment')
    : parseDataKey(
        readOrCreate(path.join(dataDir, 'data.key'), () => crypto.randomBytes(32).toString('hex'), warn, 'Back it up apart from the database: without it the encrypted fields cannot be read.'),
        path.join(dataDir, 'data.key'),
      );
  const sessionSecret =
    fromEnv.sessionSecret ??
    readOrCreate(path.join(dataDir, 'session.secret'), () => crypto.randomBytes(32).toString('hex'), warn, 'Keep it secret.');
  if (sessionSecret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
  return { dataKey, sessionSecret };
}
