/** `npm run test:browser`: only the tests that drive Debian's Chromium (*.browser.test.ts). */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['**/*.browser.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
