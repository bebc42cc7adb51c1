/**
 * The dashboard's only way to the service: same-origin fetches with the API key in X-Api-Key,
 * and the /ws URL with the key in the query (a browser cannot set headers on a WebSocket).
 */

/** The answer of one call, kept whole so the page can show what the API said. */
export interface Answer<T = unknown> {
  method: string;
  path: string;
  status: number;
  ok: boolean;
  json: T;
}

/** A non-2xx answer, carrying the service's error message. */
export class ApiError extends Error {
  constructor(readonly answer: Answer) {
    const body = answer.json as { message?: string } | null;
    super(body?.message ?? `HTTP ${answer.status}`);
  }
}

const KEY_STORE = 'wabun.apiKey';

/** Whether the service wants a key (the page's meta tag says so). */
export const keyRequired = () => document.querySelector('meta[name="wabun-auth"]')?.getAttribute('content') !== 'none';

/** The key lives in sessionStorage: gone when the browser session ends. */
export const storedKey = () => sessionStorage.getItem(KEY_STORE) ?? '';
export const storeKey = (key: string) => sessionStorage.setItem(KEY_STORE, key);
export const forgetKey = () => sessionStorage.removeItem(KEY_STORE);

export class Api {
  constructor(readonly key: string) {}

  /** Any answer, 2xx or not. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.key) headers['x-api-key'] = this.key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { method, path, status: res.status, ok: res.ok, json: json as T };
  }

  /** The body of a 2xx answer; ApiError otherwise. */
  async get<T>(path: string): Promise<T> {
    const a = await this.request<T>('GET', path);
    if (!a.ok) throw new ApiError(a);
    return a.json;
  }

  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const a = await this.request<T>(method, path, body);
    if (!a.ok) throw new ApiError(a);
    return a.json;
  }

  wsUrl(query: Record<string, string>): string {
    const url = new URL('/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    if (this.key) url.searchParams.set('x-api-key', this.key);
    return url.href;
  }
}

export const enc = encodeURIComponent;
