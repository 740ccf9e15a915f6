/**
 * Four projects: fast unit tests, integration tests through the real app, the browser suite, and a
 * production-only install of a build (slow: npm installs it; `npm run test:production`).
 */
const tsJest = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  // otplib 13 depends on ESM-only packages (@scure/base, @noble/hashes); Jest loads CommonJS, so
  // those (and only those) are compiled to CommonJS on the way in.
  '^.+\\.js$': [
    'ts-jest',
    { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true }, isolatedModules: true },
  ],
};
// file-type (attachments) is ESM-only too, with its own ESM-only dependencies.
const esmOnlyPackages = [
  '@scure/base',
  '@noble/hashes',
  'otplib',
  '@otplib',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
];
const common = {
  testEnvironment: 'node',
  transform: tsJest,
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // file-type's exports offer Node only `import` and `module-sync`, conditions Jest does not use.
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
};

module.exports = {
  // Read from the top level only (a per-project testTimeout is ignored); the browser suite needs it.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'production', testMatch: ['<rootDir>/test/production/**/*.test.ts'] },
  ],
};
