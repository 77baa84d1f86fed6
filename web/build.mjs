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
// The pages' shared parts, src/partials: the top of a page (head, header
// and navigation), the head's common lines, the navigation, the sign-in box.
const partials = join(src, 'partials');
const parts = Object.fromEntries(await Promise.all((await readdir(partials)).map(async (f) => [f, await readFile(join(partials, f), 'utf8')])));

// expand puts the partials into text (of where): a line `<!-- include: NAME
// key="value" ... -->` becomes src/partials/NAME with each {{key}} in it
// replaced by its value, and each line {{key:pattern}} by the pattern once
// for every word of the value (none when the key is not given), * standing
// for the word; then its own includes are expanded in turn.
function expand(text, where) {
  return text.replace(/^[ \t]*<!-- include: ([\w.-]+)((?: [\w-]+="[^"]*")*) -->\n/gm, (_, name, args) => {
    if (!(name in parts)) throw new Error(`${where}: no partial ${name} in src/partials`);
    const values = Object.fromEntries([...args.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const filled = parts[name]
      .replace(/^([ \t]*)\{\{([\w-]+):([^}]*)\}\}\n/gm, (_, indent, key, pattern) =>
        (values[key] || '').split(/\s+/).filter(Boolean).map((w) => indent + pattern.replaceAll('*', w) + '\n').join(''))
      .replace(/\{\{([\w-]+)\}\}/g, (_, key) => {
        if (!(key in values)) throw new Error(`${where}: the partial ${name} wants ${key}="..."`);
        return values[key];
      });
    return expand(filled, `${where} > ${name}`);
  });
}

for (const f of await readdir(src)) {
  if (f.endsWith('.html')) await writeFile(join(out, f), expand(await readFile(join(src, f), 'utf8'), f));
}
console.log('web: built', out);
