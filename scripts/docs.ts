/**
 * npm run docs: regenerates what the config reference decides in README.md (the config table between
 * its markers) and Pulumi.yaml (the config keys with their types and descriptions). The docs test
 * fails when either is out of date.
 */
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { renderProjectFile, replaceReferenceTable } from "../offline/docs";
import { ROOT } from "../offline/stackConfig";

const readme = path.join(ROOT, "README.md");
const project = path.join(ROOT, "Pulumi.yaml");
writeFileSync(readme, replaceReferenceTable(readFileSync(readme, "utf8")));
writeFileSync(project, renderProjectFile(readFileSync(project, "utf8")));
console.log("updated the config reference in README.md and Pulumi.yaml");
