// Lint: TypeScript rules plus the module boundaries of docs/architecture.md, enforced by Nx tags.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const pluginRestrictions = {
  paths: [
    { name: 'winston', message: 'Plugins log through coreServices.logger; do not import winston.' },
    {
      name: 'pg',
      message: 'Plugins get their database through coreServices.database (a knex client); do not import pg.',
    },
    {
      name: 'better-sqlite3',
      message:
        'Plugins get their database through coreServices.database (a knex client); do not import better-sqlite3.',
    },
    { name: 'ioredis', message: 'Plugins cache through coreServices.cache; do not import a Redis client.' },
    { name: 'redis', message: 'Plugins cache through coreServices.cache; do not import a Redis client.' },
  ],
  patterns: [
    {
      group: ['@trellis/plugin-*-backend', '@trellis/plugin-*-backend/*', '@trellis/plugin-*-backend-module-*'],
      message:
        'Plugins and modules never import a plugin: call it over HTTP through its node-library client (@trellis/plugin-<id>-node), or extend it through an extension point from that node-library.',
    },
    {
      group: ['@trellis/*/internal', '@trellis/*/src', '@trellis/*/src/*', '@trellis/*/dist/*'],
      message:
        'Import a package only through its entry point; if you need something it does not export, ask for it to be exported.',
    },
  ],
};

// `extra.plugin`: tags plugins, modules and node-libraries may also use (in tests and dev
// entries); `extra.e2e`: tags end-to-end tests may also use; `extra.test`: the file is a test,
// which may use the shared test kit whatever its package.
const boundaries = (extra = {}) => {
  const testKit = extra.test ? ['type:test-kit'] : [];
  const plugin = [...(extra.plugin ?? []), ...testKit];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: [
          'type:plugin',
          'type:module',
          'type:defaults',
          'type:runtime',
          'type:api',
          ...plugin,
        ],
      },
      {
        sourceTag: 'type:plugin',
        onlyDependOnLibsWithTags: ['type:api', 'type:node-library', ...plugin],
        bannedExternalImports: ['winston', 'pg', 'better-sqlite3', 'ioredis', 'redis'],
      },
      {
        sourceTag: 'type:module',
        onlyDependOnLibsWithTags: ['type:api', 'type:node-library', ...plugin],
        bannedExternalImports: ['winston', 'pg', 'better-sqlite3', 'ioredis', 'redis'],
      },
      {
        sourceTag: 'type:node-library',
        onlyDependOnLibsWithTags: ['type:api', 'type:node-library', ...plugin],
      },
      { sourceTag: 'type:defaults', onlyDependOnLibsWithTags: ['type:runtime', 'type:api', ...testKit] },
      { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:api', ...testKit] },
      { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:api', ...testKit] },
      {
        sourceTag: 'type:test-utils',
        onlyDependOnLibsWithTags: ['type:defaults', 'type:runtime', 'type:api', 'type:test-kit'],
      },
      { sourceTag: 'type:test-kit', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
      {
        sourceTag: 'type:e2e',
        onlyDependOnLibsWithTags: ['type:test-utils', 'type:test-kit', 'type:api', ...(extra.e2e ?? [])],
      },
    ],
  };
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.nx/**',
      'data/**',
      'tools/**/files/**',
      'bench/results/**',
      'bench/.build/**',
      'coverage/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries()] },
  },
  {
    // Every package's tests share one test kit (@trellis/test-kit).
    files: ['**/*.test.ts', 'apps/*/test/**/*.ts', 'libs/backend-defaults/src/**/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ test: true })] },
  },
  {
    // Type tests declare values only to inspect their types.
    files: ['**/*.typetest.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its error (an unhandled rejection ends the
    // process), and a promise where a callback's result is ignored (an Express handler, an event
    // listener) does the same. Both have bitten servers built on Express and Node's events.
    files: ['**/*.ts'],
    ignores: ['tools/**/files/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // CommonJS files (the artifact's entry point, Jest's preset and its helpers) have no other way to import. Everywhere else a
    // module that should load late is imported with import(), so types and bundling follow it.
    files: ['**/*.cjs', 'jest-preset.js', 'tools/jest/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests and dev entry points of plugins may start a backend.
    files: [
      'plugins/**/*.test.ts',
      'plugins/**/dev/**/*.ts',
      'libs/*-node/**/*.test.ts',
      'apps/**/*.test.ts',
      'apps/*/test/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        boundaries({ plugin: ['type:test-utils', 'type:defaults'], test: true }),
      ],
    },
  },
  {
    // Published Backstage modules run there with the Trellis plugin they extend (the catalog for
    // its provider modules) and the node-libraries their imports are mapped to.
    files: ['tests/backstage-port/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries({ e2e: ['type:plugin', 'type:node-library'], test: true })],
    },
  },
  {
    files: ['plugins/**/*.ts', 'libs/*-node/**/*.ts'],
    ignores: ['plugins/**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', pluginRestrictions] },
  },
  {
    // A plugin's tests may start the real plugins it calls in the same test backend (they still
    // talk over HTTP); only its runtime code is held to the no-plugin-imports rule.
    files: ['plugins/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { ...pluginRestrictions, patterns: pluginRestrictions.patterns.slice(1) },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        boundaries({ plugin: ['type:test-utils', 'type:defaults', 'type:plugin'], test: true }),
      ],
    },
  },
);
