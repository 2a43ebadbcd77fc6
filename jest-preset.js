/** Shared Jest preset: TypeScript through SWC, workspace packages resolved to their sources. */
const { findEsmOnlyPackages, ignoreAllBut } = require('./tools/jest/esmPackages');

module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: {
    customExportConditions: ['@trellis/source', 'node', 'require', 'default'],
  },
  transform: {
    '^.+\\.(t|j)s$': [
      require.resolve('@swc/jest'),
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Packages that ship only ES modules (jose, uuid 13, ...) are compiled like our sources so
  // CommonJS tests can load them; the list comes from their package.json files, scanned once per
  // install, and the resolver finds their `import`-only entry points.
  transformIgnorePatterns: [ignoreAllBut(findEsmOnlyPackages(__dirname))],
  resolver: require.resolve('./tools/jest/resolver.js'),
  // Generous: a loaded 2-core machine runs every project at once; tests wait on events with
  // their own deadlines, and this only bounds a test that hangs.
  testTimeout: 90000,
  // No forceExit: a handle a test leaves open (a server, a socket, a pool, a timer) is a bug. The
  // reporter fails such a run with what was left open, after a grace period, instead of hanging.
  reporters: ['default', require.resolve('./tools/jest/openHandles.js')],
};
