/** jest's globalTeardown: removes the run's temporary directory (runDir.js). */
module.exports = require("./runDir").teardown;
