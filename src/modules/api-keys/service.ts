/**
 * API keys beside the server key: created with crypto randomness, shown once, stored as their
 * SHA-512 (src/store), found by that digest and compared in constant time. Each is admin-wide,
 * bound to one session (with WAHA's session actions), or a media key of one session.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { NotFoundError, UnprocessableError } from '../../errors';
import { CONTROL_ACTIONS, DEFAULT_ACTIONS, type Principal } from '../../http/access';
import type { KeyResolver } from '../../http/api-key';
import type { ApiKeyRow, ApiKeyStore, KeyActions } from '../../store/types';
import type { ApiKey, ApiKeyRequest } from './model';

type Dto = typeof ApiKey.static;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 characters of 62: about 190 bits. */
const KEY_CHARS = 32;
const HINT_CHARS = 4;

/** `n` characters drawn uniformly from ALPHABET (rejection sampling: no modulo bias). */
export function randomChars(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of crypto.getRandomValues(new Uint8Array(n * 2))) {
      if (b < 248 && out.length < n) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export const sha512 = (s: string) => new Uint8Array(createHash('sha512').update(s, 'utf8').digest());

const ALL_OFF: Required<KeyActions> = { read: false, send: false, control: false, setting: false, app: false, delete: false };

export class ApiKeysService implements KeyResolver {
  constructor(
    private readonly store: ApiKeyStore,
    /** Whether a session of this name exists (a key may only be bound to one that does). */
    private readonly sessionExists: (name: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  async create(body: typeof ApiKeyRequest.static): Promise<Dto> {
    const actions = body.actions ?? null;
    this.check(body.isAdmin, body.session, actions);
    return await this.insert(body.isAdmin ? 'admin' : 'session', body.isAdmin ? null : body.session, body.isActive, actions);
  }

  async list(): Promise<Dto[]> {
    return (await this.store.list()).map((r) => toDto(r));
  }

  async update(id: string, body: typeof ApiKeyRequest.static): Promise<Dto> {
    const row = await this.store.get(id);
    if (!row) throw notFound(id);
    const actions = body.actions ?? null;
    if (row.kind === 'media') {
      if (body.isAdmin || body.session !== row.session || actions)
        throw new UnprocessableError(`'${id}' is a media key: only isActive can change (create another key for anything else).`);
    } else this.check(body.isAdmin, body.session, actions);
    const next: ApiKeyRow = {
      ...row,
      kind: row.kind === 'media' ? 'media' : body.isAdmin ? 'admin' : 'session',
      session: body.isAdmin ? null : body.session,
      active: body.isActive,
      actions: row.kind === 'media' ? null : actions,
      updatedAt: this.now(),
    };
    if (!(await this.store.update(next))) throw notFound(id);
    return toDto(next);
  }

  async delete(id: string): Promise<{ result: true }> {
    if (!(await this.store.delete(id))) throw notFound(id);
    return { result: true };
  }

  /**
   * A new media-download key of `session`. WAHA hands back an existing one; a key stored as
   * its digest cannot be shown again, so each call issues a new one.
   */
  media(session: string): Promise<Dto> {
    this.requireSession(session);
    return this.insert('media', session, true, null);
  }

  /** A new key that may only start, stop, restart, log out and pair `session` (see media()). */
  control(session: string): Promise<Dto> {
    this.requireSession(session);
    return this.insert('session', session, true, CONTROL_ACTIONS);
  }

  /** Who a presented key is, or null: unknown or inactive. */
  async resolve(presented: string): Promise<Principal | null> {
    const hash = sha512(presented);
    const row = await this.store.byHash(hash);
    if (!row?.active || row.hash.length !== hash.length || !timingSafeEqual(row.hash, hash)) return null;
    if (row.kind === 'admin') return { kind: 'admin' };
    if (row.kind === 'media') return { kind: 'media', session: row.session ?? '', keyId: row.id };
    return { kind: 'session', session: row.session ?? '', actions: effective(row.actions), keyId: row.id };
  }

  private async insert(kind: ApiKeyRow['kind'], session: string | null, active: boolean, actions: KeyActions | null): Promise<Dto> {
    const key = `key_${randomChars(KEY_CHARS)}`;
    const at = this.now();
    const row: ApiKeyRow = {
      id: `key_id_${randomChars(26)}`,
      hash: sha512(key),
      hint: `${key.slice(0, 4 + HINT_CHARS)}…`,
      kind,
      session,
      active,
      actions,
      createdAt: at,
      updatedAt: at,
    };
    await this.store.insert(row);
    return toDto(row, key);
  }

  /** WAHA's rules: an admin key has no session, any other key has one, actions only for a session key. */
  private check(isAdmin: boolean, session: string | null, actions: KeyActions | null): void {
    if (isAdmin && session) throw new UnprocessableError('Session is not allowed for admin keys.');
    if (!isAdmin && !session) throw new UnprocessableError('Either isAdmin must be true or session must be provided.');
    if (actions && !session) throw new UnprocessableError('Actions are only allowed for session-scoped keys.');
    if (session) this.requireSession(session);
  }

  private requireSession(session: string): void {
    if (!this.sessionExists(session)) throw new UnprocessableError(`Session "${session}" does not exist.`);
  }
}

/** A session key's actions as enforced: WAHA's defaults when none were given, a missing flag off. */
function effective(actions: KeyActions | null): Required<KeyActions> {
  return actions ? { ...ALL_OFF, ...actions } : DEFAULT_ACTIONS;
}

function toDto(r: ApiKeyRow, key?: string): Dto {
  return {
    id: r.id,
    key: key ?? r.hint,
    isActive: r.active,
    isAdmin: r.kind === 'admin',
    session: r.session,
    actions: r.kind === 'media' ? ALL_OFF : r.actions,
  };
}

const notFound = (id: string) => new NotFoundError(`API key '${id}' not found — GET /api/keys lists them.`);
