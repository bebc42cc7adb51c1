/**
 * Profile picture URLs of one session's run, as WAHA's chats overview uses them: asked of
 * WhatsApp once per chat and kept for a day (WAHA's `getContactProfilePicture(id, refresh=false)`),
 * so a chat list that is polled every few seconds does not ask WhatsApp for every picture every
 * time. Bounded: the oldest entries go first.
 */
import { type Clock, systemClock } from '../../clock';

export const PICTURE_TTL_MS = 24 * 60 * 60 * 1000;
export const PICTURES_KEPT = 1000;

export class PictureCache {
  private readonly entries = new Map<string, { url: string | null; at: number }>();

  constructor(
    /** Asks WhatsApp for these ids' pictures at once; null: none, hidden, or the question failed. */
    private readonly fetch: (ids: string[]) => Promise<(string | null)[]>,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
    private readonly ttlMs = PICTURE_TTL_MS,
    private readonly max = PICTURES_KEPT,
  ) {}

  /** The picture of each id, in order; only ids not seen within the TTL are asked for. */
  async get(ids: string[]): Promise<(string | null)[]> {
    const now = this.clock.now();
    const fresh = (id: string) => {
      const e = this.entries.get(id);
      return e !== undefined && now - e.at < this.ttlMs;
    };
    const missing = [...new Set(ids.filter((id) => !fresh(id)))];
    if (missing.length) {
      const urls = await this.fetch(missing);
      missing.forEach((id, i) => {
        this.entries.delete(id);
        this.entries.set(id, { url: urls[i] ?? null, at: now });
      });
      for (const old of this.entries.keys()) {
        if (this.entries.size <= this.max) break;
        this.entries.delete(old);
      }
    }
    return ids.map((id) => this.entries.get(id)?.url ?? null);
  }
}
