// The code's conventions, checked by `npm run lint` (part of `npm test`):
// typescript-eslint's recommended rules and the layer rules of STYLE.md —
// domain imports nothing outside itself; data never imports services, routes or middleware;
// services never import routes, middleware or HTTP errors; routes never import data; security
// helpers and validators stand on the domain alone; commands never import the web app; only
// middleware writes `res.locals`. Import cycles (type imports too) are dpdm's, formatting Prettier's;
// `npm run lint` runs all three.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const outside = (...folders) => folders.flatMap((folder) => [`../${folder}`, `../${folder}/*`, `../../${folder}`, `../../${folder}/*`]);

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'public/**', '.bench-build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // The text rules (src/domain/text.ts and its callers) match control characters on purpose.
      'no-control-regex': 'off',
      // A listener bound before the app it calls exists (tests, benches) is assigned once, later.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*', '../../*'], message: 'The domain imports nothing outside src/domain.' }] },
      ],
    },
  },
  {
    files: ['src/data/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outside('services', 'routes', 'middleware', 'app', 'bootstrap', 'errors'),
              message: 'The data layer never imports services, routes, middleware or HTTP errors.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outside('routes', 'middleware', 'app', 'bootstrap', 'errors'),
              message: 'Services never import routes, middleware or HTTP errors: refuse with an Outcome (src/domain/outcome.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: outside('data'), message: 'Routes never import the data layer: ask a service; shared types live in src/domain.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "AssignmentExpression > MemberExpression.left[object.type='MemberExpression'][object.property.name='locals']",
          message: 'Only middleware writes res.locals: pass values to res.render.',
        },
        { selector: "AssignmentExpression > MemberExpression.left[property.name='locals']", message: 'Only middleware writes res.locals.' },
        {
          selector:
            "CallExpression[callee.object.name='Object'][callee.property.name='assign'] > MemberExpression.arguments:first-child[property.name='locals']",
          message: 'Only middleware writes res.locals.',
        },
      ],
    },
  },
  {
    files: ['src/security/**/*.ts', 'src/validation/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outside('services', 'routes', 'middleware', 'data', 'app', 'bootstrap', 'lentera', 'errors'),
              message: 'Security helpers and form validators stand on the domain alone.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outside('routes', 'middleware', 'app', 'bootstrap'),
              message: 'Commands open Lentera through src/lentera.ts, never through the web app.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
