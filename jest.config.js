/** Test levels by suffix: *.unit.spec.ts (pure, fast), *.int.spec.ts (real SQLite files, real MariaDB/MySQL,
 * the EventStoreDB double, or EventStoreDB when EVENTSTORE_URL is set), *.e2e.spec.ts (the whole app over HTTP
 * against the Bot API fake). The e2e specs run twice: `e2e` on the embedded defaults (SQLite event store, SQLite
 * read models), `e2e-production` on the production engines — the EventStoreDB double (a real server instead when
 * EVENTSTORE_URL is set) and a fresh MariaDB database per app (test/support/test-engines.ts). */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
const e2e = ['<rootDir>/test/**/*.e2e.spec.ts'];
/** Specs that stay embedded-only, each for a reason: what they test is the embedded setup itself, or no storage at all. */
const embeddedOnly = {
  'cli.e2e.spec.ts': 'the CLI on the SQLite files: it tampers with events.sqlite and reads read-models.sqlite directly',
  'readme-commands.e2e.spec.ts': "the README's CLI commands as a newcomer runs them, on the embedded defaults",
  'demo-output.e2e.spec.ts': '`npm run demo` brings its own embedded setup; no engine is chosen by the test',
  'npm-start.e2e.spec.ts': "npm's signal handling around `npm start`: no storage behaviour in it",
  'single-instance.e2e.spec.ts':
    'the refusal of a second instance on embedded stores; on EventStoreDB + MySQL replicas are allowed (replicas.e2e)',
};
/** Specs that choose their own engines: they would run the same thing twice. */
const ownEngines = {
  'replicas.e2e.spec.ts': 'two replicas on one EventStoreDB double and one MariaDB database, whichever project runs it',
  'shared-eventstore.e2e.spec.ts':
    'two apps on one EventStoreDB double standing in for a shared EVENTSTORE_URL server, whichever project runs it',
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.unit.spec.ts', '<rootDir>/src/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/test/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: e2e },
    {
      ...base,
      displayName: 'e2e-production',
      testMatch: e2e,
      testPathIgnorePatterns: [
        '/node_modules/',
        ...Object.keys({ ...embeddedOnly, ...ownEngines }).map((file) => `/test/${file.replace(/\./g, '\\.')}$`),
      ],
      setupFiles: ['<rootDir>/test/support/test-engines.setup.ts'],
    },
  ],
  testTimeout: 30000,
  /**
   * Workers: two, on the 2-core machines CI runs on (jest's default there would be one). The e2e and int specs mostly
   * wait (on timers, the Bot API fake, fsync): with one worker the machine sat ~95 % idle and the suite took ~14 min;
   * with two it takes ~5.5 min (2026-11-29, 2 × AMD EPYC). Three or more made a few timing-sensitive specs fail now and
   * then (projections-rebuild's restart check, crash-repeats): two keeps the machine's CPU as the only one contended.
   */
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/closing-line.reporter.js'],
};
