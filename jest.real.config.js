/** Real-tool checks: rendered files run by Debian's programs (installed by scripts/install-real-tools.sh). */
const base = require("./jest.base");

module.exports = { ...base, roots: ["<rootDir>/test/real"], testTimeout: 300000 };
