/**
 * What a cloner of this repository gets must stand on its own: no source, test or script points at
 * files outside it, and comments explain the code rather than the tracker it came from.
 */
import { expect, test } from 'bun:test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dir, '..');
const FOLDERS = ['src', 'test', 'scripts', 'deploy', '.ci'];
const TEXT = /\.(ts|tsx|js|cjs|mjs|sh|json|yml|yaml|conf|service|md)$|^Dockerfile$/;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'results') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (TEXT.test(name)) yield path;
  }
}

// Built from parts so this file does not match itself.
const OUTSIDE = new RegExp(['shared/(spec|notes|seed|style|hooks)', '/wor' + 'k/', 'platf' + 'orm\\.md'].join('|'));
const TRACKER = new RegExp(['\\bissue', 's? #?\\d+'].join(''), 'i');

test('no file points outside the repository or names an issue', () => {
  const found: string[] = [];
  for (const folder of FOLDERS) {
    for (const path of files(join(ROOT, folder))) {
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (OUTSIDE.test(line) || TRACKER.test(line)) found.push(`${relative(ROOT, path)}:${i + 1}: ${line.trim()}`);
        });
    }
  }
  expect(found).toEqual([]);
});
