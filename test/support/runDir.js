/**
 * The run's own temporary directory (see scratch.ts): made before the test files load, so every
 * worker makes its directories in it, and removed with whatever is left in it once the run ends.
 * Nothing outside it is touched.
 */
const { mkdtempSync, rmSync } = require("fs");
const { tmpdir } = require("os");
const path = require("path");

const RUN_DIR_ENV = "REGSTACK_TEST_RUN_DIR";

async function setup() {
  process.env[RUN_DIR_ENV] = mkdtempSync(path.join(tmpdir(), "regstack-run-"));
}

async function teardown() {
  const dir = process.env[RUN_DIR_ENV];
  if (dir && path.basename(dir).startsWith("regstack-run-")) rmSync(dir, { recursive: true, force: true });
}

module.exports = { setup, teardown };
