// Builds the pages into dist/ (embedded by the Go binary through web/embed.go):
// the HTML pages with their shared parts put in, the page scripts bundled by
// esbuild, the style sheet, and MapLibre GL's files copied from node_modules
// as published. Run after `npm ci` (`make web` does both).

import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const out = join(here, 'dist');
const assets = join(out, 'assets');
const maplibre = join(here, 'node_modules', 'maplibre-gl', 'dist');

// Empty dist/ but for its README (the placeholder kept in git).
for (const f of await readdir(out)) {
  if (f !== 'README.md') await rm(join(out, f), { recursive: true, force: true });
}
await mkdir(assets, { recursive: true });

await esbuild.build({
  entryPoints: [join(src, 'map.js'), join(src, 'markers.js'), join(src, 'screening.js'), join(src, 'tracks.js'), join(src, 'cases.js'), join(src, 'case.js'), join(src, 'rules.js'), join(src, 'clues.js'), join(src, 'live.js'), join(src, 'devices.js')],
  outdir: assets,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  // MapLibre is loaded as its own module file, next to its worker, which it
  // finds relative to itself (maplibre-gl-worker.mjs?v=...).
  external: ['./maplibre-gl.mjs'],
  logLevel: 'warning',
});

for (const f of ['maplibre-gl.mjs', 'maplibre-gl-worker.mjs', 'maplibre-gl.css']) {
  await copyFile(join(maplibre, f), join(assets, f));
}
await copyFile(join(src, 'style.css'), join(assets, 'style.css'));
// A page's line `<!-- include: NAME -->` becomes src/partials/NAME: the
// head's common lines and the navigation every page shares.
const partials = join(src, 'partials');
const parts = Object.fromEntries(await Promise.all((await readdir(partials)).map(async (f) => [f, await readFile(join(partials, f), 'utf8')])));
for (const f of await readdir(src)) {
  if (!f.endsWith('.html')) continue;
  const page = (await readFile(join(src, f), 'utf8')).replace(/^[ \t]*<!-- include: ([\w.-]+) -->\n/gm, (_, name) => {
    if (!(name in parts)) throw new Error(`${f}: no partial ${name} in src/partials`);
    return parts[name];
  });
  await writeFile(join(out, f), page);
}
console.log('web: built', out);
