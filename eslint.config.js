// Lint rules for the project's own code (npm run lint; CI fails on findings): eslint's and
// typescript-eslint's recommended sets, without type information (fast), plus unused imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'results/**', 'reports/allure-report/**', 'driver-protocol/driver-protocol.schema.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', NodeJS: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // vitest reads a fixture's dependencies from its first parameter's destructuring: `{}` is how
  // a fixture says it has none.
  { files: ['conformance/fixtures.ts'], rules: { 'no-empty-pattern': 'off' } },
);
