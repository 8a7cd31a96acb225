// Copies the SCORM runtime (scorm-again's browser bundle, which defines window.Scorm12API and
// window.Scorm2004API) into lms/static/vendor/scorm-again/, where the SCORM player page loads
// it. The output is built, never committed (.gitignore): `make assets` makes it.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "node_modules", "scorm-again");
const target = join(here, "..", "lms", "static", "vendor", "scorm-again");

// The bundle, its source map (which the bundle names) and the licence it is shipped under.
const files = [
  ["dist/scorm-again.min.js", "scorm-again.min.js"],
  ["dist/scorm-again.min.js.map", "scorm-again.min.js.map"],
  ["LICENSE", "LICENSE"],
];

mkdirSync(target, { recursive: true });
for (const [from, to] of files) {
  copyFileSync(join(source, from), join(target, to));
}
console.log(`scorm-again copied to ${target}`);
