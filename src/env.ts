import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { projectRoot } from './paths';

/**
 * The settings file: `.env` in the working directory, or else the one beside package.json. The
 * server and every command find the same file however they are started (`npm start`, `npm run
 * user` from a subfolder, `node dist/cli/user.js` from elsewhere), so a command never falls
 * back to defaults (an invitation link on localhost:3000) that the server does not use.
 */
export function settingsFile(cwd: string = process.cwd(), root: string = projectRoot): string | null {
  for (const dir of [cwd, root]) {
    const file = path.join(dir, '.env');
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/**
 * The process environment with the settings file's values underneath it: a variable set in the
 * environment wins over the file, as with `process.loadEnvFile`.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, file: string | null = settingsFile()): NodeJS.ProcessEnv {
  if (file === null) return env;
  return { ...parseEnv(fs.readFileSync(file, 'utf8')), ...env };
}
