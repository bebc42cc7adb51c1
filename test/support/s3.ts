/**
 * An S3-compatible server for a test (test/support/s3-server.cjs: s3rver behind a SigV4 check),
 * started on a free port in a temp folder and stopped by its pid. Each one has its own random
 * secret, so a client that signs with another is refused as a real server would refuse it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Location } from '../../src/cluster/profiles-s3';

export interface TestS3 {
  /** What a node is configured with (WAHA_S3_*): path style, the fixture's endpoint and keys. */
  readonly location: S3Location;
  /** The same as environment variables, for a child process. */
  readonly env: Record<string, string>;
  /** The folder s3rver keeps the objects in. */
  readonly dir: string;
  /** SIGKILL: the bucket stops answering (connections refused). */
  kill(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

const SERVER = join(import.meta.dir, 's3-server.cjs');

export async function startS3(bucket = 'wabun-test'): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'wabun-s3-'));
  const secret = crypto.randomUUID();
  const proc = Bun.spawn([process.execPath, SERVER, join(dir, 'objects')], {
    env: { ...process.env, S3_TEST_SECRET: secret, S3_TEST_BUCKET: bucket },
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const reader = proc.stdout.getReader();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the S3 fixture exited before listening (code ${await proc.exited})`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const { port } = JSON.parse(text) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const location: S3Location = {
    bucket,
    region: 'us-east-1',
    endpoint,
    accessKeyId: 'S3RVER',
    secretAccessKey: secret,
    forcePathStyle: true,
    prefix: 'wabun-profiles',
  };
  return {
    location,
    env: {
      WAHA_S3_BUCKET: bucket,
      WAHA_S3_REGION: location.region,
      WAHA_S3_ENDPOINT: endpoint,
      WAHA_S3_ACCESS_KEY_ID: location.accessKeyId,
      WAHA_S3_SECRET_ACCESS_KEY: secret,
      WAHA_S3_FORCE_PATH_STYLE: 'true',
    },
    dir,
    kill: () => proc.kill('SIGKILL'),
    async [Symbol.asyncDispose]() {
      proc.kill('SIGKILL');
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
