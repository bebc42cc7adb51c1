/**
 * Login profiles in an S3-compatible bucket (docs/cluster.md, "Login profiles"), through Bun's
 * built-in S3 client. The bucket cannot take part in the lease's transaction, so the blob and the
 * decision "this is the session's login" are kept apart:
 *
 * 1. the blob is written under a key used by this save only (`<prefix>/<session>/<epoch>-<random>…`),
 *    so no write, however late, replaces an object another node's pointer names;
 * 2. the pointer (key, size, SHA-256) is committed in PostgreSQL under the fence (holdLease): a
 *    node whose lease is gone is refused there, and deletes the object it just wrote;
 * 3. only after the pointer moved is the previous object deleted.
 *
 * A restore reads the pointer, fetches its object and checks size and hash before anything is
 * unpacked. A crash between 1 and 2, or a failed delete, leaves an object no pointer names: wasted
 * bytes, never a wrong login (BENCHMARKS.md gives the sizes).
 */

import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { S3Client } from 'bun';
import type { Logger } from '../log';
import { isStaleLease, type Lease } from '../store/fence';
import { holdLease } from '../store/postgres/fence';
import type { Pool } from '../store/postgres/pool';
import type { PackedProfile, ProfileStore } from './profiles';

/** Which object holds a session's login, as committed under its lease. */
export const ProfilePointer = Type.Object({
  key: Type.String({ minLength: 1 }),
  /** Size of the object (the gzip blob). */
  stored: Type.Integer({ minimum: 0 }),
  /** Hex SHA-256 of the object. */
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});
export type ProfilePointer = Static<typeof ProfilePointer>;

/** The bucket, as configured by the WAHA_S3_* variables (src/config.ts). */
export interface S3Location {
  bucket: string;
  region: string;
  /** Empty: AWS S3 in `region`. */
  endpoint: string;
  /** Empty (both): Bun's own defaults (S3_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID…). */
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  prefix: string;
}

/**
 * A bucket that does not answer would otherwise hold the claim round (a restore) or a stop (a
 * save) for as long as the TCP connection lives; past this, the session goes on as without a
 * saved login. A blob of PROFILE_MAX_MB's default (64 MB) moves well within it on a LAN.
 */
export const S3_TIMEOUT_MS = 30_000;

/** Bun's client for the bucket. Virtual-hosted style names the bucket in the host, so the endpoint carries it. */
export function s3Client(l: S3Location): S3Client {
  const credentials = l.accessKeyId ? { accessKeyId: l.accessKeyId, secretAccessKey: l.secretAccessKey } : {};
  if (l.forcePathStyle)
    return new S3Client({
      ...credentials,
      bucket: l.bucket,
      region: l.region,
      endpoint: l.endpoint || `https://s3.${l.region}.amazonaws.com`,
    });
  const u = new URL(l.endpoint || `https://s3.${l.region}.amazonaws.com`);
  u.hostname = `${l.bucket}.${u.hostname}`;
  return new S3Client({ ...credentials, region: l.region, endpoint: u.origin, virtualHostedStyle: true });
}

/** The endpoint and bucket, for logs: never the keys, nor a user:password an endpoint URL may carry (the origin drops it). */
export const describeLocation = (l: S3Location) => ({
  bucket: l.bucket,
  endpoint: l.endpoint ? new URL(l.endpoint).origin : `AWS S3 ${l.region}`,
  prefix: l.prefix,
});

const hex = (data: Uint8Array) => new Bun.CryptoHasher('sha256').update(data).digest('hex');

/** Bun's S3 errors carry a `code` (NoSuchKey, SignatureDoesNotMatch, ECONNREFUSED…) and the server's message. */
function s3Failure(op: string, key: string, err: unknown): Error {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return new Error(`S3 ${op} of ${key} failed: ${code}${String(e?.message ?? err)}`);
}

async function timed<T>(op: string, key: string, p: Promise<T>): Promise<T> {
  let timer: Timer | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${S3_TIMEOUT_MS} ms`)), S3_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, late]);
  } catch (err) {
    throw s3Failure(op, key, err);
  } finally {
    clearTimeout(timer);
  }
}

export class S3Profiles implements ProfileStore {
  constructor(
    private readonly pool: Pool,
    private readonly client: S3Client,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  async save(session: string, lease: Lease, p: PackedProfile): Promise<void> {
    const key = `${this.prefix.replace(/\/+$/, '')}/${session}/${lease.epoch}-${crypto.randomUUID()}.wabun-profile`;
    const pointer: ProfilePointer = { key, stored: p.data.byteLength, sha256: hex(p.data) };
    await timed('PUT', key, this.client.write(key, p.data, { type: 'application/gzip' }));
    let previous: string | null;
    try {
      previous = await this.pool.begin(async (tx) => {
        await holdLease(tx, session, lease);
        const [old]: { key: string }[] = await tx`SELECT key FROM session_profile_objects WHERE session = ${session} FOR UPDATE`;
        await tx`INSERT INTO session_profile_objects (session, epoch, key, stored, sha256, files, bytes, saved_at)
          VALUES (${session}, ${lease.epoch}, ${key}, ${pointer.stored}, ${pointer.sha256}, ${p.files}, ${p.bytes}, now())
          ON CONFLICT (session) DO UPDATE SET epoch = excluded.epoch, key = excluded.key, stored = excluded.stored,
            sha256 = excluded.sha256, files = excluded.files, bytes = excluded.bytes, saved_at = now()`;
        // A blob kept in PostgreSQL before the bucket was configured is superseded now.
        await tx`DELETE FROM session_profiles WHERE session = ${session}`;
        return old?.key ?? null;
      });
    } catch (err) {
      // Refused by the fence: certainly not committed, no pointer names the object, so it goes.
      // Any other failure may have come after the commit (its answer lost): the object stays, at
      // worst unnamed — wasted bytes rather than a pointer to a deleted object.
      if (isStaleLease(err)) await this.remove(session, key);
      throw err;
    }
    if (previous && previous !== key) await this.remove(session, previous);
  }

  async load(session: string): Promise<Uint8Array | null> {
    const [row]: ProfilePointer[] = await this.pool
      .query`SELECT key, stored::float8 AS stored, sha256 FROM session_profile_objects WHERE session = ${session}`;
    if (!row) {
      // Saved while the profiles were kept in PostgreSQL: still this session's login.
      const [legacy]: { data: Uint8Array }[] = await this.pool.query`SELECT data FROM session_profiles WHERE session = ${session}`;
      return legacy?.data ?? null;
    }
    if (!Value.Check(ProfilePointer, row)) throw new Error(`the stored pointer of '${session}' is not valid`);
    const data = new Uint8Array(await timed('GET', row.key, this.client.file(row.key).arrayBuffer()));
    if (data.byteLength !== row.stored || hex(data) !== row.sha256)
      throw new Error(
        `S3 object ${row.key} does not match its pointer (${data.byteLength} bytes, expected ${row.stored} with SHA-256 ${row.sha256}); not restored`,
      );
    return data;
  }

  async delete(session: string): Promise<void> {
    const rows: { key: string }[] = await this.pool.begin(async (tx) => {
      await tx`DELETE FROM session_profiles WHERE session = ${session}`;
      return await tx`DELETE FROM session_profile_objects WHERE session = ${session} RETURNING key`;
    });
    for (const r of rows) await this.remove(session, r.key);
  }

  /** Deletes an object no pointer names (any more); a failure only leaves it behind, so it is logged, not thrown. */
  private async remove(session: string, key: string): Promise<void> {
    try {
      await timed('DELETE', key, this.client.delete(key));
    } catch (err) {
      this.log.warn('login profile object left in the bucket', { session, key, error: (err as Error).message });
    }
  }
}
