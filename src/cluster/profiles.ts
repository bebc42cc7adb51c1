/**
 * Login profiles that move between nodes: the parts of a session's Chromium profile that hold
 * the WhatsApp login (docs/cluster.md, "Login profiles"), packed into one gzip blob and kept in
 * the store under the session's lease, so the node that takes a session over restores them and
 * comes back WORKING without a QR. The rest of the profile (caches, preferences, GPU state) is
 * rebuilt by Chromium.
 *
 * The blob: a 4-byte big-endian length, a JSON index `[path, size][]` (paths relative to the
 * profile), then the files' bytes in index order; all of it gzipped.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Lease } from '../store/fence';
import { holdLease } from '../store/postgres/fence';
import type { Pool } from '../store/postgres/pool';

/** The folders of `<dataDir>/session` (LocalAuth's profile) that hold the login, measured in docs/cluster.md. */
export const LOGIN_PARTS = ['Default/IndexedDB', 'Default/Local Storage'] as const;

/** LevelDB's lock file: empty, meaningful only to the process that holds it. */
const SKIPPED = new Set(['LOCK']);

export interface PackedProfile {
  data: Uint8Array;
  files: number;
  /** Before compression. */
  bytes: number;
}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // the part does not exist (yet): nothing of it to keep
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) await walk(root, full, out);
    else if (e.isFile() && !SKIPPED.has(e.name)) out.push(relative(root, full));
  }
}

/** Packs the login parts of `profileDir`; null when there is nothing to keep (no login yet). */
export async function packProfile(profileDir: string): Promise<PackedProfile | null> {
  const paths: string[] = [];
  for (const part of LOGIN_PARTS) await walk(profileDir, join(profileDir, part), paths);
  if (paths.length === 0) return null;
  const chunks: Uint8Array[] = [];
  const index: [string, number][] = [];
  for (const p of paths) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(profileDir, p));
    } catch {
      continue; // removed while we read (a LevelDB compaction): its data lives on in the newer files
    }
    index.push([p.split(sep).join('/'), bytes.byteLength]);
    chunks.push(bytes);
  }
  const head = new TextEncoder().encode(JSON.stringify(index));
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const raw = new Uint8Array(4 + head.byteLength + total);
  new DataView(raw.buffer).setUint32(0, head.byteLength);
  raw.set(head, 4);
  let at = 4 + head.byteLength;
  for (const c of chunks) {
    raw.set(c, at);
    at += c.byteLength;
  }
  return { data: Bun.gzipSync(raw), files: index.length, bytes: total };
}

/** Replaces the login parts of `profileDir` with the packed ones. A path that leaves the profile is refused. */
export async function unpackProfile(profileDir: string, data: Uint8Array): Promise<number> {
  const raw = Bun.gunzipSync(data as Uint8Array<ArrayBuffer>);
  const len = new DataView(raw.buffer, raw.byteOffset).getUint32(0);
  const index = JSON.parse(new TextDecoder().decode(raw.subarray(4, 4 + len))) as [string, number][];
  const root = resolve(profileDir);
  for (const part of LOGIN_PARTS) await rm(join(root, part), { recursive: true, force: true });
  let at = 4 + len;
  for (const [p, size] of index) {
    const target = resolve(root, p);
    if (!LOGIN_PARTS.some((part) => target.startsWith(join(root, part) + sep)))
      throw new Error(`profile blob names ${p}, outside the login parts`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, raw.subarray(at, at + size));
    at += size;
  }
  return index.length;
}

/** Size on disk of the login parts (for the benchmark and the logs). */
export async function loginBytes(profileDir: string): Promise<number> {
  const paths: string[] = [];
  for (const part of LOGIN_PARTS) await walk(profileDir, join(profileDir, part), paths);
  let n = 0;
  for (const p of paths) n += (await stat(join(profileDir, p)).catch(() => ({ size: 0 }))).size;
  return n;
}

/**
 * Where the login blobs live: PostgreSQL (`PostgresProfiles`) or an S3-compatible bucket
 * (`S3Profiles`, src/cluster/profiles-s3.ts). Either way a save is fenced by the lease.
 */
export interface ProfileStore {
  /** Saves (replaces) the session's blob; refused with StaleLeaseError once the lease is not current. */
  save(session: string, lease: Lease, p: PackedProfile): Promise<void>;
  /** The session's latest blob; null when none was saved. Throws when it cannot be read or is not intact. */
  load(session: string): Promise<Uint8Array | null>;
  /** The account is gone (logout, deletion): the next node starts with a QR. */
  delete(session: string): Promise<void>;
}

/** The `session_profiles` table: one blob per session, written under its lease. */
export class PostgresProfiles implements ProfileStore {
  constructor(private readonly pool: Pool) {}

  /** Saves (replaces) the session's blob, fenced: refused with StaleLeaseError once the lease is not current. */
  async save(session: string, lease: Lease, p: PackedProfile): Promise<void> {
    await this.pool.begin(async (tx) => {
      await holdLease(tx, session, lease);
      await tx`INSERT INTO session_profiles (session, epoch, data, files, bytes, saved_at)
        VALUES (${session}, ${lease.epoch}, ${p.data}, ${p.files}, ${p.bytes}, now())
        ON CONFLICT (session) DO UPDATE SET epoch = excluded.epoch, data = excluded.data, files = excluded.files,
          bytes = excluded.bytes, saved_at = now()`;
    });
  }

  async load(session: string): Promise<Uint8Array | null> {
    const rows: { data: Uint8Array }[] = await this.pool.query`SELECT data FROM session_profiles WHERE session = ${session}`;
    return rows[0]?.data ?? null;
  }

  /** The account is gone (logout, deletion): the next node starts with a QR. */
  async delete(session: string): Promise<void> {
    await this.pool.query`DELETE FROM session_profiles WHERE session = ${session}`;
  }
}
