/**
 * Redocly's OpenAPI linter (its recommended rules, with the choices in redocly.yaml) run over the
 * service's own /docs/json: no errors, and no warning but the ones redocly.yaml explains.
 */
import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenApiDocument } from '../src/modules/docs/document';
import { composedApp } from './support/composed';

const ROOT = join(import.meta.dir, '..');
const dir = mkdtempSync(join(tmpdir(), 'wabun-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

/** The warnings redocly.yaml leaves on, and where they are expected: operations that by design answer no 2xx. */
const EXPECTED_WARNINGS = /^operation-2xx-response #\/paths\/(~1api~1apps(~1\{id\})?|~1ws)\/\w+\/responses$/;

test('the linter finds no errors in /docs/json, and only the warnings redocly.yaml explains', async () => {
  await using app = await composedApp();
  const doc = await app.json<OpenApiDocument>('/docs/json');
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(doc));

  const cli = Bun.spawn(
    [
      process.execPath,
      join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'),
      'lint',
      file,
      '--config',
      join(ROOT, 'redocly.yaml'),
      '--format=json',
      '--max-problems=10000',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      stdout: 'pipe',
      stderr: 'pipe',
    },
  );
  const [out, err] = await Promise.all([new Response(cli.stdout).text(), new Response(cli.stderr).text(), cli.exited]);
  const report = JSON.parse(out.slice(out.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: Problem[] };
  const described = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}`);
  const ops = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
  const withBody = ops.filter((op) => Object.keys((op.requestBody as { content?: object } | undefined)?.content ?? {}).length > 0).length;
  console.log(
    `openapi lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings over ${ops.length} operations; ` +
      `${withBody} request bodies, all with content`,
  );
  expect(
    report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`),
    err,
  ).toEqual([]);
  expect(described.filter((d) => !EXPECTED_WARNINGS.test(d))).toEqual([]);
}, 60_000);
