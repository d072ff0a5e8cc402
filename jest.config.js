/** Test levels by suffix: *.unit.spec.ts (pure, fast), *.int.spec.ts (real SQLite files, real MariaDB/MySQL,
 * EventStoreDB when EVENTSTORE_URL is set), *.e2e.spec.ts (the whole app over HTTP against the Bot API fake). */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.unit.spec.ts', '<rootDir>/src/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/test/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'] },
  ],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/closing-line.reporter.js'],
};
