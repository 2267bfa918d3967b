/** Unit, render, stack and docs tests: Node and npm only (no Docker, no Debian tools). */
module.exports = {
  ...require("./jest.base"),
  roots: ["<rootDir>/test"],
  testPathIgnorePatterns: ["/test/real/", "/test/e2e/"],
  testTimeout: 60000,
};
