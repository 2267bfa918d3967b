/** End-to-end: the stacks' containers in a private Docker engine (scripts/install-e2e-tools.sh). */
const base = require("./jest.base");

module.exports = { ...base, roots: ["<rootDir>/test/e2e"], testTimeout: 900000 };
