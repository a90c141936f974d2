import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.yarn/**',
      '.data/**',
      'coverage/**',
      '.cache/**',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // House rules for product code: short files, short functions, few
    // parameters (an options object past four). Tests, the bench, the test
    // kit, the dev tools and the fixtures catalog are exempt. An existing
    // violation carries an inline eslint-disable naming its follow-up.
    files: ['packages/*/src/**/*.ts', 'services/*/src/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      '**/*.test-d.ts',
      '**/*.cluster-test.ts',
      '**/test/**',
      '**/tests/**',
      '**/__tests__/**',
      'packages/bench/**',
      'packages/testkit/**',
      'packages/devtools/**',
      'packages/fixtures/**',
    ],
    rules: {
      'max-lines': [
        'error',
        { max: 300, skipBlankLines: true, skipComments: true },
      ],
      'max-lines-per-function': [
        'error',
        { max: 60, skipBlankLines: true, skipComments: true },
      ],
      'max-params': ['error', { max: 4 }],
    },
  },
  {
    // Vitest's asymmetric matchers (expect.any, expect.stringContaining) are typed `any`.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // A Node script (no type project): Node's globals.
    files: ['scripts/framework-metrics.mjs', 'scripts/conveyor.mjs'],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly' },
    },
  },
  {
    // The examples install Conveyor from packed tarballs (scripts/adoption-check.sh),
    // not from the workspace: linted without types here, typechecked there.
    files: ['examples/**'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
