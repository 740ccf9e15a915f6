import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function parseDataKey(value: string, source: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error(`${source}: DATA_KEY must be 32 bytes, as 64 hex digits or base64`);
  return key;
}

/** Writes a new secret file (mode 0600, never over an existing one) and says so. */
function create(file: string, warn: (m: string) => void, why: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  warn(`Generated ${file} because it was not set in the environment. ${why}`);
  return value;
}

export const dataKeyFile = (dataDir: string) => path.join(dataDir, 'data.key');

/**
 * DATA_KEY from the environment, or else from `<data directory>/data.key`. A new key is generated
 * into that file only when `mayGenerate` says so — for an empty database: for one that holds data,
 * a new key would open none of it. Null when there is no key and none may be made.
 */
export function resolveDataKey(
  dataDir: string,
  fromEnv: string | undefined,
  options: { mayGenerate: boolean; warn: (m: string) => void },
): Buffer | null {
  if (fromEnv) return parseDataKey(fromEnv, 'environment');
  const file = dataKeyFile(dataDir);
  if (fs.existsSync(file)) return parseDataKey(fs.readFileSync(file, 'utf8').trim(), file);
  if (!options.mayGenerate) return null;
  return parseDataKey(
    create(file, options.warn, 'Back it up apart from the database: without it the encrypted fields cannot be read.'),
    file,
  );
}

/** SESSION_SECRET from the environment, or else from `<data directory>/session.secret`, generated the first time. */
export function resolveSessionSecret(dataDir: string, fromEnv: string | undefined, warn: (m: string) => void): string {
  const file = path.join(dataDir, 'session.secret');
  const secret = fromEnv ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : create(file, warn, 'Keep it secret.'));
  if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
  return secret;
}
