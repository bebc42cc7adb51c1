/**
 * Login profiles in S3-compatible storage (src/cluster/profiles-s3.ts), on a real S3 server (the
 * s3rver fixture behind a SigV4 check, test/support/s3.ts) and the PostgreSQL test server: the
 * pointer is fenced by the lease, a refused save leaves no object behind, a restore is byte for
 * byte and refuses an object that does not match its pointer, and a bucket that does not answer
 * is logged and costs the session its saved login, never the node.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresLeases } from '../src/cluster/leases';
import { ClusterNode } from '../src/cluster/node';
import { packProfile } from '../src/cluster/profiles';
import { describeLocation, S3Profiles, s3Client } from '../src/cluster/profiles-s3';
import { parseConfig } from '../src/config';
import { Logger } from '../src/log';
import { environmentView } from '../src/modules/server/environment';
import { isStaleLease } from '../src/store/fence';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres';
import { startS3, type TestS3 } from './support/s3';
import { freshSchema, postgresTestServer } from './support/stores';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('it did not reject');
};

interface Rig {
  store: PostgresStore;
  s3: TestS3;
  profiles: S3Profiles;
  lines: Record<string, unknown>[];
  log: Logger;
  /** The keys in the bucket under the profiles' prefix. */
  keys(): Promise<string[]>;
  /** Session `s` claimed by node `x`: its epoch. */
  claim(): Promise<number>;
}

async function rig(): Promise<Rig> {
  const { url, drop } = await freshSchema();
  const store = await openPostgresStore(url, { max: 3 });
  cleanups.push(drop, () => store.close());
  const s3 = await startS3();
  cleanups.push(() => s3[Symbol.asyncDispose]());
  const lines: Record<string, unknown>[] = [];
  const log = new Logger({ level: 'debug', format: 'JSON', write: (l) => lines.push(JSON.parse(l)) });
  const client = s3Client(s3.location);
  const profiles = new S3Profiles(store.pool, client, s3.location.prefix, log);
  await store.sessions.insert('s', null, true);
  const leases = new PostgresLeases(store.pool, 'x', 15_000);
  return {
    store,
    s3,
    profiles,
    lines,
    log,
    keys: async () => ((await client.list({ prefix: 'wabun-profiles/' })).contents ?? []).map((o) => o.key).sort(),
    claim: async () => (await leases.claimOne('s'))!,
  };
}

const packed = (bytes: Uint8Array) => ({ data: bytes, files: 1, bytes: bytes.byteLength });
const pointerOf = async (store: PostgresStore) =>
  [...(await store.sql`SELECT epoch::int AS epoch, key, stored::int AS stored FROM session_profile_objects WHERE session = 's'`)][0];

if (!postgresTestServer.available) console.log(`[stores] ${import.meta.file}: PostgreSQL cases skipped — ${postgresTestServer.skipReason}`);

describe.skipIf(!postgresTestServer.available)('login profiles in S3 (real S3 server, real PostgreSQL)', () => {
  test('a packed profile goes to the bucket and comes back byte for byte; the next save deletes the previous object', async () => {
    const r = await rig();
    const epoch = await r.claim();
    const dir = mkdtempSync(join(tmpdir(), 'wabun-profile-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'Default/IndexedDB/wawc'), { recursive: true });
    writeFileSync(join(dir, 'Default/IndexedDB/wawc/000005.ldb'), crypto.getRandomValues(new Uint8Array(200_000)));
    const first = (await packProfile(dir))!;
    await r.profiles.save('s', { owner: 'x', epoch }, first);
    const [key1] = await r.keys();
    expect(key1).toMatch(new RegExp(`^wabun-profiles/s/${epoch}-[0-9a-f-]{36}\\.wabun-profile$`));
    expect(await pointerOf(r.store)).toEqual({ epoch, key: key1, stored: first.data.byteLength });
    expect(Buffer.from((await r.profiles.load('s'))!).equals(Buffer.from(first.data))).toBe(true);

    const second = packed(crypto.getRandomValues(new Uint8Array(1000)));
    await r.profiles.save('s', { owner: 'x', epoch }, second);
    const keys = await r.keys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe(key1);
    expect([...(await r.profiles.load('s'))!]).toEqual([...second.data]);
  });

  test('a save under a stale epoch is refused at the pointer, and the object it wrote is deleted', async () => {
    const r = await rig();
    const epoch = await r.claim();
    const current = packed(new Uint8Array([1, 2, 3]));
    await r.profiles.save('s', { owner: 'x', epoch }, current);
    const before = await r.keys();
    const err = await rejection(r.profiles.save('s', { owner: 'x', epoch: epoch - 1 }, packed(new Uint8Array([9, 9]))));
    expect(isStaleLease(err)).toBe(true);
    expect(await r.keys()).toEqual(before);
    expect([...(await r.profiles.load('s'))!]).toEqual([1, 2, 3]);
    // Another node's lease (y took the session over): x's save is refused the same way.
    await r.store.sql`UPDATE sessions SET owner = 'y', epoch = epoch + 1 WHERE name = 's'`;
    expect(isStaleLease(await rejection(r.profiles.save('s', { owner: 'x', epoch }, packed(new Uint8Array([7])))))).toBe(true);
    expect(await r.keys()).toEqual(before);
  });

  test('an object that does not match its pointer (size or SHA-256) is not restored', async () => {
    const r = await rig();
    const epoch = await r.claim();
    await r.profiles.save('s', { owner: 'x', epoch }, packed(new Uint8Array([1, 2, 3, 4])));
    const [key] = await r.keys();
    const client = s3Client(r.s3.location);
    await client.write(key!, new Uint8Array([1, 2, 3, 5])); // same size, other bytes
    expect((await rejection(r.profiles.load('s'))).message).toContain(`S3 object ${key} does not match its pointer`);
    await client.write(key!, new Uint8Array([1, 2, 3])); // shorter
    expect((await rejection(r.profiles.load('s'))).message).toContain('does not match its pointer (3 bytes, expected 4');
  });

  test('logout/deletion removes the pointer and the object; a blob kept in PostgreSQL before still loads', async () => {
    const r = await rig();
    const epoch = await r.claim();
    await r.store
      .sql`INSERT INTO session_profiles (session, epoch, data, files, bytes) VALUES ('s', ${epoch}, ${new Uint8Array([5, 6])}, 1, 2)`;
    expect([...(await r.profiles.load('s'))!]).toEqual([5, 6]);
    await r.profiles.save('s', { owner: 'x', epoch }, packed(new Uint8Array([8])));
    expect([...(await r.store.sql`SELECT session FROM session_profiles`)]).toEqual([]); // superseded by the pointer
    await r.profiles.delete('s');
    expect(await r.keys()).toEqual([]);
    expect(await pointerOf(r.store)).toBeUndefined();
    expect(await r.profiles.load('s')).toBeNull();
  });

  test('a client signing with another secret is refused by the server (the fixture checks SigV4)', async () => {
    const r = await rig();
    const wrong = new S3Profiles(r.store.pool, s3Client({ ...r.s3.location, secretAccessKey: 'not-the-secret' }), 'wabun-profiles', r.log);
    const err = await rejection(wrong.save('s', { owner: 'x', epoch: await r.claim() }, packed(new Uint8Array([1]))));
    expect(err.message).toMatch(/^S3 PUT of wabun-profiles\/s\/1-.*failed: SignatureDoesNotMatch/);
    expect(await pointerOf(r.store)).toBeUndefined();
  });

  test('the bucket down: the save and the restore are logged without secrets, the session is still claimed (it starts with a QR)', async () => {
    const r = await rig();
    const lines: Record<string, unknown>[] = [];
    const log = new Logger({ level: 'debug', format: 'JSON', write: (l) => lines.push(JSON.parse(l)) });
    const node = new ClusterNode({
      leases: new PostgresLeases(r.store.pool, 'x', 15_000),
      profiles: r.profiles,
      log,
      ttlMs: 15_000,
      renewMs: 5000,
      claimMs: 60_000,
      profileIntervalMs: 0,
      profileMaxBytes: 1 << 20,
      url: () => 'http://127.0.0.1:1',
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'wabun-node-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    mkdirSync(join(dataDir, 'session/Default/Local Storage/leveldb'), { recursive: true });
    writeFileSync(join(dataDir, 'session/Default/Local Storage/leveldb/000003.log'), 'paired');
    node.bind({
      runClaimed: async () => {},
      lost: async () => {},
      sync: () => {},
      capacity: () => ({ active: 0, max: 1 }),
      dataDir: () => dataDir,
      working: () => true,
    });
    expect(await node.claim('s')).toBe(true);
    expect(await node.save('s')).toMatchObject({ files: 1 }); // saved while the bucket answers
    r.s3.kill();
    expect(await node.save('s')).toBeNull();
    await node.release('s', false);
    expect(await node.claim('s')).toBe(true); // the restore fails: logged, the claim goes on
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings.map((l) => l.msg)).toEqual(['login profile save failed', 'login profile restore failed; the session may show a QR']);
    for (const w of warnings) expect(String(w.error)).toMatch(/^S3 (PUT|GET) of wabun-profiles\/s\/.* failed: /);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(r.s3.location.secretAccessKey);
    await node.release('s', false);
  });
});

describe('the WAHA_S3_* variables', () => {
  test("parsed with WAHA's names; a key id without its secret stops start-up naming the missing one", () => {
    const c = parseConfig({
      WAHA_S3_BUCKET: 'b',
      WAHA_S3_ENDPOINT: 'http://minio:9000',
      WAHA_S3_ACCESS_KEY_ID: 'id',
      WAHA_S3_SECRET_ACCESS_KEY: 'sec',
      WAHA_S3_FORCE_PATH_STYLE: 'True',
    });
    expect([c.WAHA_S3_BUCKET, c.WAHA_S3_REGION, c.WAHA_S3_ENDPOINT, c.WAHA_S3_FORCE_PATH_STYLE, c.PROFILE_S3_PREFIX]).toEqual([
      'b',
      'us-east-1',
      'http://minio:9000',
      true,
      'wabun-profiles',
    ]);
    expect(() => parseConfig({ WAHA_S3_ACCESS_KEY_ID: 'id' })).toThrow('Invalid WAHA_S3_SECRET_ACCESS_KEY');
    expect(() => parseConfig({ WAHA_S3_ENDPOINT: 'minio:9000' })).toThrow('Invalid WAHA_S3_ENDPOINT');
    expect(() => parseConfig({ PROFILE_S3_PREFIX: '/abs' })).toThrow('Invalid PROFILE_S3_PREFIX');
    expect(() => parseConfig({ PROFILE_S3_PREFIX: ' ' })).toThrow('Invalid PROFILE_S3_PREFIX');
  });

  test('WAHA_S3_FORCE_PATH_STYLE: the bucket in the path (MinIO), or in the host name (AWS)', () => {
    const l = { bucket: 'b', region: 'eu-west-1', accessKeyId: 'id', secretAccessKey: 'sec', prefix: 'p' };
    const url = (forcePathStyle: boolean, endpoint: string) =>
      new URL(
        s3Client({ ...l, forcePathStyle, endpoint })
          .file('p/k')
          .presign(),
      );
    expect(url(true, 'http://minio:9000')).toMatchObject({ origin: 'http://minio:9000', pathname: '/b/p/k' });
    expect(url(false, '')).toMatchObject({ origin: 'https://b.s3.eu-west-1.amazonaws.com', pathname: '/p/k' });
    expect(url(false, 'https://storage.example.com')).toMatchObject({ origin: 'https://b.storage.example.com', pathname: '/p/k' });
    // What the start-up line shows of the bucket: no keys, no password in the endpoint.
    expect(describeLocation({ ...l, forcePathStyle: true, endpoint: 'http://u:pw@minio:9000/' })).toEqual({
      bucket: 'b',
      endpoint: 'http://minio:9000',
      prefix: 'p',
    });
  });

  test('the keys are masked in /api/server/environment; bucket and endpoint are shown', () => {
    expect(
      environmentView(
        { WAHA_S3_BUCKET: 'b', WAHA_S3_ENDPOINT: 'http://minio:9000', WAHA_S3_ACCESS_KEY_ID: 'id', WAHA_S3_SECRET_ACCESS_KEY: 'sec' },
        false,
      ),
    ).toEqual({
      WAHA_S3_ACCESS_KEY_ID: '***',
      WAHA_S3_BUCKET: 'b',
      WAHA_S3_ENDPOINT: 'http://minio:9000',
      WAHA_S3_SECRET_ACCESS_KEY: '***',
    });
  });
});
