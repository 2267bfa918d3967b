/** jest's globalSetup: the run's temporary directory (runDir.js). */
module.exports = require("./runDir").setup;
