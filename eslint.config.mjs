// ESLint (flat config): `npm run lint`, the first step of `npm test`.
// eslint's and typescript-eslint's recommended rules, tuned to catch bugs, not to restyle code
// (formatting is not linted). Rules left off, and why:
// - no-explicit-any: `any` marks the JSON boundaries (CRD objects, parsed YAML) on purpose;
// - no-require-imports: `require()` loads heavy modules on first use (CEL, ajv, cdk8s-plus) and
//   breaks import cycles, on purpose;
// - no-unused-vars: `tsc` checks it (noUnusedLocals, noUnusedParameters), with `_` conventions;
// - no-control-regex: the YAML emitter and the secret scanner match control characters on purpose;
// - preserve-caught-error: errors are re-thrown as one-line messages for the CLI, on purpose.
// Type-aware rules (no-floating-promises, no-misused-promises, await-thenable) need a TypeScript
// program, which doubles the cost of `npm test`: they run in `npm run lint:typed`
// (eslint.typed.config.mjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer', 'setTimeout', 'clearTimeout', 'URL']
    .map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'dist/', 'imports/', 'coverage/', '.tmp/', 'test/fixtures/', 'test/corpus/cases/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': 'off',
      'no-control-regex': 'off',
      'preserve-caught-error': 'off',
      // An interface extending one other type names a concept (props of a construct): allowed.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // `==` only where it means "null or undefined".
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
