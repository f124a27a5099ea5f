// `npm run lint:typed`: the rules of eslint.config.mjs plus the type-aware promise rules
// (a TypeScript program is built, so this takes about as long as `tsc`; not part of `npm test`).
import tseslint from 'typescript-eslint';
import base from './eslint.config.mjs';

export default tseslint.config(...base, {
  files: ['**/*.ts'],
  languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-misused-promises': 'error',
    '@typescript-eslint/await-thenable': 'error',
  },
});
