/**
 * The repo's list of WAHA's operations (docs/waha-operations.tsv) against what the service
 * documents at /docs/json: every operation marked served is there under WAHA's operationId and
 * tag, every one marked not served is absent with its reason, and the README quotes the count.
 * Where WAHA's own OpenAPI file and WEBJS list are beside the checkout (the project's spec folder next to it), the list's
 * facts are checked against them too, and so are the names of the request bodies.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationKey, WAHA_OPERATIONS } from '../src/modules/docs/catalog';
import type { OpenApiDocument } from '../src/modules/docs/document';
import { TAGS } from '../src/modules/docs/tags';
import { type ComposedApp, composedApp } from './support/composed';

const ROOT = join(import.meta.dir, '..');
const SPEC = join(ROOT, '..', 'shared', 'spec');

let app: ComposedApp;
let doc: OpenApiDocument;
beforeAll(async () => {
  app = await composedApp();
  doc = await app.json<OpenApiDocument>('/docs/json');
});
afterAll(() => app[Symbol.asyncDispose]());

const documented = () =>
  new Map(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [operationKey(method, path), { method, path, op }] as const),
    ),
  );
const webjs = WAHA_OPERATIONS.filter((o) => o.webjs === 'yes');
const served = webjs.filter((o) => o.ours === 'yes');

describe('docs/waha-operations.tsv', () => {
  test('is well formed: known values, one row per operation, a reason beside every one not served', () => {
    const keys = new Set<string>();
    for (const o of WAHA_OPERATIONS) {
      const key = operationKey(o.method, o.path);
      expect(keys.has(key), `${key} twice`).toBe(false);
      keys.add(key);
      expect(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']).toContain(o.method);
      expect(['yes', 'no', 'deprecated']).toContain(o.webjs);
      expect(['yes', 'no', 'refuses']).toContain(o.ours);
      expect(TAGS.map((t) => t.name)).toContain(o.tag);
      if (o.ours === 'yes') expect(o.why, key).toBe('');
      else expect(o.why.length, `${key}: why not`).toBeGreaterThan(10);
    }
  });

  test('matches the document: served and refused operations under WAHA’s operationId and tag, the rest absent', () => {
    const ours = documented();
    for (const o of WAHA_OPERATIONS) {
      const found = ours.get(operationKey(o.method, o.path));
      if (o.ours === 'no') {
        expect(found, `${o.method} ${o.path} is marked not served but the service has it`).toBeUndefined();
        continue;
      }
      expect(found, `${o.method} ${o.path} is marked ${o.ours} but is not in /docs/json`).toBeDefined();
      expect(found!.path, 'WAHA’s path and parameter names').toBe(o.path);
      expect(found!.op.operationId).toBe(o.operationId);
      expect(found!.op.tags).toEqual([o.tag]);
    }
    console.log(`coverage: ${served.length} of ${webjs.length} WEBJS operations (${WAHA_OPERATIONS.length} WAHA operations in all)`);
  });

  test('the README quotes the count and links the list', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quoted = readme.match(/\d+ of \d+ WEBJS operations/)?.[0];
    expect(quoted).toBe(`${served.length} of ${webjs.length} WEBJS operations`);
    expect(readme.includes('(docs/waha-operations.tsv)'), 'README links docs/waha-operations.tsv').toBe(true);
  });
});

describe.if(existsSync(join(SPEC, 'waha-openapi.json')))("against WAHA's own files", () => {
  const waha = () => JSON.parse(readFileSync(join(SPEC, 'waha-openapi.json'), 'utf8')) as OpenApiDocument;

  test('the list holds exactly WAHA’s operations, with WAHA’s operationIds and tags', () => {
    const theirs = Object.entries(waha().paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId} ${op.tags?.[0]}`),
    );
    const listed = WAHA_OPERATIONS.map((o) => `${o.method} ${o.path} ${o.operationId} ${o.tag}`);
    expect(listed.sort()).toEqual(theirs.sort());
  });

  test.if(existsSync(join(SPEC, 'waha-webjs-operations.tsv')))('whether WEBJS serves each one, as WAHA’s WEBJS list says', () => {
    const rows = readFileSync(join(SPEC, 'waha-webjs-operations.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .slice(1)
      .map((l) => l.split('\t'));
    expect(WAHA_OPERATIONS.map((o) => `${o.method} ${o.path} ${o.webjs}`).sort()).toEqual(
      rows.map((r) => `${r[1]} ${r[2]} ${r[4]}`).sort(),
    );
  });

  test('request bodies carry WAHA’s component names where both name one', () => {
    const ours = documented();
    const mismatches: string[] = [];
    for (const [path, ops] of Object.entries(waha().paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const theirs = (op.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined)?.content?.[
          'application/json'
        ]?.schema?.$ref;
        const mine = ours.get(operationKey(method, path))?.op.requestBody as
          | { content: Record<string, { schema?: { $ref?: string } }> }
          | undefined;
        if (!theirs || !mine) continue;
        const ref = mine.content['application/json']?.schema?.$ref;
        if (ref !== theirs) mismatches.push(`${method.toUpperCase()} ${path}: ${ref ?? 'inline'}, WAHA's is ${theirs}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
