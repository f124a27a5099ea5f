// Jest runs the TypeScript tests through sucrase (transpile only); `npm test` type-checks with tsc first.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.test.ts'],
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
};
