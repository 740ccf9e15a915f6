/**
 * The layer rules in eslint.config.mjs refuse the wrong imports: each case lints a one-line file
 * placed in a layer and expects the rule's refusal (and the same import from an allowed layer passes).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** ESLint as `npm run lint` runs it (a child process: its config is an ES module Jest cannot load). */
async function messages(filePath: string, code: string): Promise<string[]> {
  const run = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', filePath, '--format', 'json'],
    {
      cwd: root,
      input: code,
      encoding: 'utf8',
    },
  );
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer rules', () => {
  it.each([
    ['src/domain/probe.ts', "import type { Db } from '../data/db';\nexport type X = Db;\n", 'The domain imports nothing'],
    ['src/data/probe.ts', "import type { Services } from '../services';\nexport type X = Services;\n", 'The data layer never imports'],
    ['src/services/probe.ts', "import { HttpError } from '../errors';\nexport const x = HttpError;\n", 'Services never import'],
    ['src/routes/staff/probe.ts', "import type { Db } from '../../data/db';\nexport type X = Db;\n", 'Routes never import the data layer'],
    ['src/security/probe.ts', "import type { Services } from '../services';\nexport type X = Services;\n", 'stand on the domain alone'],
    ['src/cli/probe.ts', "import { createApp } from '../app';\nexport const x = createApp;\n", 'never through the web app'],
    [
      'src/routes/staff/probe.ts',
      "import type { Response } from 'express';\nexport function f(res: Response) {\n  res.locals.x = 1;\n}\n",
      'Only middleware writes res.locals',
    ],
  ])('%s: refused', async (filePath, code, refusal) => {
    expect((await messages(filePath, code)).join('\n')).toContain(refusal);
  });

  it('allows the same imports where the layers permit them', async () => {
    expect(await messages('src/services/probe.ts', "import type { Db } from '../data/db';\nexport type X = Db;\n")).toEqual([]);
    expect(
      await messages(
        'src/middleware/probe.ts',
        "import type { Response } from 'express';\nexport function f(res: Response) {\n  res.locals.x = 1;\n}\n",
      ),
    ).toEqual([]);
  });
});
