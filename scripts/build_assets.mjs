// Copies the front-end libraries installed by `npm ci` into static/vendor/ (git-ignored).
// Plain Node, no bundler: the portal serves these files itself, nothing comes from a CDN.
import { copyFileSync, mkdirSync, readdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "static", "vendor");

// [package, source path inside the package, destination inside static/vendor]
const files = [
  ["leaflet", "dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet", "dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet", "LICENSE", "leaflet/LICENSE"],
  // Named by leaflet.js's sourceMappingURL: collectstatic's manifest storage needs it present.
  ["leaflet", "dist/leaflet.js.map", "leaflet/leaflet.js.map"],
  // The UMD build defines window.Chart for static/js/dashboard.js (no bundler, no modules).
  ["chart.js", "dist/chart.umd.min.js", "chartjs/chart.umd.min.js"],
  ["chart.js", "dist/chart.umd.min.js.map", "chartjs/chart.umd.min.js.map"], // its source map, likewise
  ["chart.js", "LICENSE.md", "chartjs/LICENSE.md"],
];
const directories = [["leaflet", "dist/images", "leaflet/images"]];

function copy(source, destination) {
  if (!existsSync(source)) {
    throw new Error(`Missing ${source}: run "npm ci" first.`);
  }
  mkdirSync(dirname(destination), { recursive: true });
  copyFileSync(source, destination);
  console.log(`  ${destination.slice(root.length + 1)}`);
}

rmSync(vendor, { recursive: true, force: true });
console.log("Building static/vendor:");
for (const [pkg, from, to] of files) {
  copy(join(modules, pkg, from), join(vendor, to));
}
for (const [pkg, from, to] of directories) {
  const source = join(modules, pkg, from);
  for (const name of readdirSync(source)) {
    copy(join(source, name), join(vendor, to, name));
  }
}
