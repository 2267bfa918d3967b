/** What every test stage shares; each stage's config adds its roots and timeout. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  // `npm test` type-checks the whole project with tsc before jest runs.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
};
