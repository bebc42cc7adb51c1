// core.js: the building blocks every other page file uses. Events, models and collections
// shaped like WhatsApp Web's own (Backbone-like: `on('change:ack', (model, value, prev))`,
// model events bubble up to the collections holding the model), plus WhatsApp ids.
// Internals are non-enumerable so `serialize()`, spreads and JSON never see them.

const hide = (obj, key, value) => Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: false });

class Emitter {
  constructor() {
    hide(this, '_events', new Map());
  }
  on(names, cb, ctx) {
    for (const name of String(names).split(/\s+/)) {
      if (!name) continue;
      if (!this._events.has(name)) this._events.set(name, []);
      this._events.get(name).push({ cb, ctx });
      this._onListen(name);
    }
    return this;
  }
  off(names, cb) {
    const list = names ? String(names).split(/\s+/) : [...this._events.keys()];
    for (const name of list) {
      const l = this._events.get(name);
      if (l) this._events.set(name, cb ? l.filter((e) => e.cb !== cb && e.cb._orig !== cb) : []);
    }
    return this;
  }
  once(name, cb, ctx) {
    const wrapper = (...args) => {
      this.off(name, wrapper);
      cb.apply(ctx ?? this, args);
    };
    wrapper._orig = cb;
    return this.on(name, wrapper);
  }
  listenerCount(name) {
    return this._events.get(name)?.length ?? 0;
  }
  trigger(name, ...args) {
    for (const { cb, ctx } of [...(this._events.get(name) ?? [])]) {
      try {
        cb.apply(ctx ?? this, args);
      } catch (err) {
        console.error('[wa-sim] listener for', name, 'threw', err);
      }
    }
  }
  emit(name, ...args) {
    this.trigger(name, ...args);
  }
  /** Hook: someone started listening to `name` (the session uses it to order start-up). */
  _onListen(_name) {}
}

class Model extends Emitter {
  constructor(attrs = {}) {
    super();
    hide(this, '_colls', new Set());
    Object.assign(this, attrs);
  }
  get(key) {
    return this[key];
  }
  set(key, value) {
    const attrs = typeof key === 'object' ? key : { [key]: value };
    const changed = [];
    for (const [k, v] of Object.entries(attrs)) {
      const prev = this[k];
      if (prev === v) continue;
      this[k] = v;
      changed.push([k, v, prev]);
    }
    for (const [k, v, prev] of changed) this.trigger(`change:${k}`, this, v, prev);
    if (changed.length) this.trigger('change', this);
    return this;
  }
  trigger(name, ...args) {
    super.trigger(name, ...args);
    for (const coll of this._colls) coll.trigger(name, ...args);
  }
  /** Plain data: own enumerable attributes, no functions, models or collections. */
  serialize() {
    const out = {};
    for (const k of Object.keys(this)) {
      const v = this[k];
      if (typeof v === 'function' || v instanceof Model || v instanceof Collection) continue;
      out[k] = v;
    }
    return out;
  }
  toJSON() {
    return this.serialize();
  }
}

const keyOf = (id) => (typeof id === 'string' ? id : (id?._serialized ?? id?.id?._serialized));

class Collection extends Emitter {
  constructor(modelClass = Model, { comparator } = {}) {
    super();
    this.modelClass = modelClass;
    hide(this, '_byId', new Map());
    hide(this, '_sorted', null);
    hide(this, '_comparator', comparator);
  }
  get(id) {
    const k = keyOf(id);
    return k === undefined ? undefined : this._byId.get(k);
  }
  has(id) {
    return this.get(id) !== undefined;
  }
  /** Adds models (or attribute objects); fires `add` per new model unless `{ silent: true }`. */
  add(items, opts = {}) {
    const added = [];
    for (let m of Array.isArray(items) ? items : [items]) {
      if (!(m instanceof Model)) m = new this.modelClass(m);
      const k = keyOf(m.id);
      if (this._byId.has(k)) continue;
      this._byId.set(k, m);
      m._colls.add(this);
      added.push(m);
    }
    if (added.length) this._sorted = null;
    if (!opts.silent) for (const m of added) Emitter.prototype.trigger.call(this, 'add', m, this, opts);
    return added;
  }
  gadd(id, opts) {
    return this.get(id) ?? this.add(new this.modelClass({ id: createWid(id) }), opts)[0];
  }
  remove(items, opts = {}) {
    for (const item of Array.isArray(items) ? items : [items]) {
      const m = this.get(item?.id ?? item);
      if (!m) continue;
      this._byId.delete(keyOf(m.id));
      m._colls.delete(this);
      this._sorted = null;
      if (!opts.silent) Emitter.prototype.trigger.call(this, 'remove', m, this, opts);
    }
  }
  async find(id) {
    return this.gadd(id);
  }
  async update(id) {
    return this.get(id);
  }
  getModelsArray() {
    if (!this._sorted) {
      this._sorted = [...this._byId.values()];
      if (this._comparator) this._sorted.sort(this._comparator);
    }
    return this._sorted;
  }
  get _models() {
    return this.getModelsArray();
  }
  get models() {
    return this.getModelsArray();
  }
  get length() {
    return this._byId.size;
  }
  filter(fn) {
    return this.getModelsArray().filter(fn);
  }
  forEach(fn) {
    this.getModelsArray().forEach(fn);
  }
  serialize() {
    return this.getModelsArray().map((m) => m.serialize());
  }
  toJSON() {
    return this.serialize();
  }
}

/** A WhatsApp id ("Wid"): `{ server, user, _serialized }` like WhatsApp Web's. */
class Wid {
  constructor(serialized) {
    let [user, server] = serialized.split('@');
    if (server === 's.whatsapp.net') server = 'c.us';
    this.server = server;
    this.user = user;
    this._serialized = `${user}@${server}`;
  }
  isUser() {
    return this.server === 'c.us' || this.server === 'lid';
  }
  isLid() {
    return this.server === 'lid';
  }
  isGroup() {
    return this.server === 'g.us';
  }
  isBroadcast() {
    return this.server === 'broadcast';
  }
  isStatus() {
    return this.user === 'status' && this.server === 'broadcast';
  }
  isNewsletter() {
    return this.server === 'newsletter';
  }
  toString() {
    return this._serialized;
  }
  toJid() {
    return this.server === 'c.us' ? `${this.user}@s.whatsapp.net` : this._serialized;
  }
  equals(other) {
    return keyOf(other) === this._serialized;
  }
}

const widCache = new Map();
/** Accepts "123@c.us", "123@s.whatsapp.net", "123" (a user) or anything with `_serialized`. */
function createWid(id) {
  if (id instanceof Wid) return id;
  let s = keyOf(id);
  if (typeof s !== 'string' || !s) throw new Error(`[wa-sim] invalid wid: ${JSON.stringify(id)}`);
  if (!s.includes('@')) s += '@c.us';
  if (!widCache.has(s)) widCache.set(s, new Wid(s));
  return widCache.get(s);
}

/** A message key; WhatsApp Web's module `WAWebMsgKey` is this class. */
class MsgKey {
  constructor({ from, to, id, participant, selfDir, fromMe, remote }) {
    this.fromMe = fromMe ?? selfDir === 'out';
    this.remote = createWid(remote ?? (this.fromMe ? to : from));
    this.id = id;
    if (participant) this.participant = createWid(participant);
    const p = participant ? `_${this.participant._serialized}` : '';
    this._serialized = `${this.fromMe}_${this.remote._serialized}_${id}${p}`;
  }
  toString() {
    return this._serialized;
  }
  equals(other) {
    return keyOf(other) === this._serialized;
  }
  static async newId() {
    return newMsgId();
  }
  static fromString(s) {
    const [fromMe, remote, id, participant] = s.split('_');
    return new MsgKey({ fromMe: fromMe === 'true', remote, id, participant });
  }
}

const randomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));
const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const toB64 = (bytes) => btoa(String.fromCharCode(...bytes));
/** Web-client message ids look like 3EB0 + hex (the library derives `deviceType` from them). */
const newMsgId = () => `3EB0${toHex(randomBytes(9)).toUpperCase()}`;
const nowSec = () => Math.floor(Date.now() / 1000);
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** Small seeded PRNG (mulberry32) so a seeded account is the same after every reload. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
