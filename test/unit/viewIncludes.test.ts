import fs from 'node:fs';
import path from 'node:path';
import { viewsDir } from '../../src/paths';

function templatesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? templatesUnder(p) : p.endsWith('.ejs') ? [p] : [];
  });
}

/**
 * Includes are written from views/ ('/partials/head'): EJS then finds them under its `root`
 * (src/app.ts) without a look at the disk, where a relative one costs a stat of the file on every
 * include of every page.
 */
describe('the templates', () => {
  const includes = templatesUnder(viewsDir).flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/include\(\s*(['"])([^'"]*)\1/g)].map((m) => ({
      file: path.relative(viewsDir, file),
      target: m[2]!,
    })),
  );

  it('include others from the views folder, and each one exists', () => {
    expect(includes.length).toBeGreaterThan(400);
    const relative = includes.filter(({ target }) => !target.startsWith('/'));
    expect(relative).toEqual([]);
    // A section named at run time ('/staff/print/' + section) ends in '/', and is checked by the print tests.
    const missing = includes.filter(({ target }) => !target.endsWith('/') && !fs.existsSync(path.join(viewsDir, `${target}.ejs`)));
    expect(missing).toEqual([]);
  });
});
