/**
 * Incoming media on disk (WHATSAPP_DOWNLOAD_MEDIA): `<data>/media/<session>/<file>`, linked from
 * the event's `media.url` as `<base>/api/files/<session>/<file>` (served with the API key), and
 * removed WHATSAPP_FILES_LIFETIME seconds after it was written by a periodic sweep.
 */
import { lstat, mkdir, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, every, systemClock } from '../../clock';
import type { Logger } from '../../log';

export interface MediaStoreOptions {
  /** `<WAHA_LOCAL_STORE_BASE_DIR>/media`. */
  dir: string;
  /** WAHA_BASE_URL, or http://localhost:PORT once the port is known. */
  baseUrl: () => string;
  /** Seconds a file is kept; 0 = forever. */
  lifetimeSec: number;
  log: Logger;
  clock?: Clock;
}

/** Stored media: what the event links to. */
export interface StoredMedia {
  url: string;
  mimetype: string;
  filename: string | null;
}

/** File names the store writes (and the only ones it serves): no separators, no dot-dot. */
const SAFE_NAME = /^[A-Za-z0-9_@.-]{1,200}$/;
const isSafe = (name: string) => SAFE_NAME.test(name) && !name.includes('..');

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
};

function extensionOf(mimetype: string, filename: string | null): string {
  const fromName = filename?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1];
  return (fromName ?? EXTENSIONS[mimetype.split(';')[0]!.trim().toLowerCase()] ?? 'bin').toLowerCase();
}

export class MediaStore {
  private stopTimer: (() => void) | null = null;
  private readonly clock: Clock;

  constructor(private readonly o: MediaStoreOptions) {
    this.clock = o.clock ?? systemClock;
  }

  /** Writes one message's media and returns its link. `messageId` names the file (one file per message). */
  async save(
    session: string,
    media: { messageId: string; mimetype: string; filename?: string | null; data: string },
  ): Promise<StoredMedia> {
    const base = media.messageId.replace(/[^A-Za-z0-9_@.-]/g, '_').slice(0, 180);
    const file = `${base}.${extensionOf(media.mimetype, media.filename ?? null)}`;
    const dir = join(this.o.dir, session);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, file), Buffer.from(media.data, 'base64'));
    const url = `${this.o.baseUrl().replace(/\/+$/, '')}/api/files/${encodeURIComponent(session)}/${encodeURIComponent(file)}`;
    return { url, mimetype: media.mimetype, filename: media.filename ?? null };
  }

  /**
   * The path of a stored file, or null: unknown, swept, a name the store would never write, or
   * anything that is not a regular file whose real path stays inside the media folder (a symlink
   * planted there must not serve /etc/passwd or the store's database).
   */
  async find(session: string, file: string): Promise<string | null> {
    if (!isSafe(session) || !isSafe(file)) return null;
    const path = join(this.o.dir, session, file);
    try {
      if (!(await lstat(path)).isFile()) return null;
      const [real, root] = await Promise.all([realpath(path), realpath(this.o.dir)]);
      return real.startsWith(`${root}/`) ? real : null;
    } catch {
      return null;
    }
  }

  /** Removes files older than the lifetime; returns how many. */
  async sweep(): Promise<number> {
    if (this.o.lifetimeSec <= 0) return 0;
    const cutoff = this.clock.now() - this.o.lifetimeSec * 1000;
    let removed = 0;
    const sessions = await readdir(this.o.dir).catch(() => [] as string[]);
    for (const session of sessions) {
      const dir = join(this.o.dir, session);
      for (const file of await readdir(dir).catch(() => [] as string[])) {
        const path = join(dir, file);
        const s = await stat(path).catch(() => null);
        if (s?.isFile() && s.mtimeMs < cutoff) {
          await rm(path, { force: true });
          removed++;
        }
      }
    }
    if (removed) this.o.log.debug('media sweep', { removed });
    return removed;
  }

  /** Sweeps every lifetime/4 (at least 1 s, at most 60 s). */
  start(): void {
    if (this.o.lifetimeSec <= 0 || this.stopTimer) return;
    const interval = Math.min(60_000, Math.max(1000, (this.o.lifetimeSec * 1000) / 4));
    this.stopTimer = every(this.clock, interval, () => {
      this.sweep().catch((err) => this.o.log.warn('media sweep failed', { error: err instanceof Error ? err.message : String(err) }));
    });
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }
}
