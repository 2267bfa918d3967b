/** Unit, render, stack and docs tests: Node and npm only (no Docker, no Debian tools). */
module.exports = {
  ...require("./jest.base"),
  roots: ["<rootDir>/test"],
  testPathIgnorePatterns: ["/test/real/", "/test/e2e/"],
  testTimeout: 60000,
  // Both cores: the command tests mostly wait on the processes they start, so they overlap well with
  // the in-process stack evaluations (jest's default on 2 cores is one worker).
  maxWorkers: 2,
};
