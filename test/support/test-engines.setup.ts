/**
 * Setup of the `e2e-production` jest project (jest.config.js): every app a spec starts through the harness
 * or the spawned-process helpers runs on the production engines (see `test-engines.ts`).
 */
process.env.TEST_ENGINES = 'production';
