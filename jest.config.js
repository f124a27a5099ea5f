// Jest runs TypeScript through @swc/jest (transpile only, no type check): ts-jest needs
// the TypeScript JS compiler API, which TypeScript 7 no longer ships. Types are checked
// separately by `tsc --noEmit` (pinned TypeScript 5.9) as the first half of `npm test`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
  testTimeout: 120000,
};
