// npm's "prepare" step, run by `npm install` and `npm ci` in this folder.
//
// In a checkout (dev dependencies installed) it builds dist/ once, so that `npm install && npm start`
// works; after changing the code, `npm run build` (or `npm run dev`) builds again.
// A production install (`npm ci --omit=dev`) has no TypeScript: there it builds nothing, and the app
// runs from the dist/ that was built before and copied in (docs/production.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function typescriptInstalled() {
  try {
    require.resolve('typescript');
    return true;
  } catch {
    return false;
  }
}

if (!typescriptInstalled()) {
  const built = existsSync(new URL('../dist/server.js', import.meta.url));
  console.log(
    `TypeScript is not installed (a production install): not building; Lentera runs from ${built ? 'the dist/ here' : 'a build, whose dist/ is to be copied here'}.`,
  );
  process.exit(0);
}

// `npm run build`, with the npm that runs this step (npm_execpath), so the build has one definition.
const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(build.status ?? 1);
