// Jest runs TypeScript through sucrase (@sucrase/jest-plugin: transpile only, pure JavaScript, no
// type check). ts-jest needs the TypeScript JS compiler API, which TypeScript 7 no longer ships;
// transformers with native binaries (@swc/core) and jest 30's native resolver are avoided because
// npm ci must succeed from the lockfile wherever the registry lacks some platforms' binaries.
// Types are checked separately by `tsc --noEmit` (pinned TypeScript 5.9), the first half of `npm test`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': '@sucrase/jest-plugin',
  },
  testTimeout: 120000,
};
