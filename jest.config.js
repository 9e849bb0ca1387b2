/**
 * `npm test`: every suite, against one real PostgreSQL (see test/global-setup.ts), and nothing that
 * needs more than Node and `npm install`. The browser test (*.browser.test.ts) needs Debian's
 * Chromium and runs separately: `npm run test:browser` (jest.browser.config.js), always in CI.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.browser\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['@swc/jest', { swcrc: true }] },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
};
