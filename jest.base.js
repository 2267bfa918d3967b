/** What every test stage shares; each stage's config adds its roots and timeout. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  // Every test's temporary directory is made inside one per run, removed when the run ends
  // (test/support/scratch.ts): a filtered run leaves nothing behind either.
  globalSetup: "<rootDir>/test/support/runDirSetup.js",
  globalTeardown: "<rootDir>/test/support/runDirTeardown.js",
  // Transpile only, file by file: `npm test` type-checks the whole project with tsc before jest
  // runs, and a language service per worker cost more than the tests themselves.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false, isolatedModules: true }] },
};
