// session.js: pairing and connection. The socket state machine, QR refs, the pairing code,
// and the "paired" flag kept in localStorage so a restart with the same Chromium profile goes
// straight to CONNECTED (whatsapp-web.js then sees no UNPAIRED state and shows no QR).
//
// Start-up order the library relies on (Client.inject in whatsapp-web.js 1.34.7):
//   1. it waits for window.Debug.VERSION, reads Socket.state, waits while OPENING/UNLAUNCHED/PAIRING;
//   2. UNPAIRED → it reads Conn.ref and listens to Conn 'change:ref' (one `qr` event per ref);
//   3. only then it listens to Socket 'change:hasSynced' → `authenticated` → injects → `ready`.
// So hasSynced flips only once someone listens to it (SocketModel._onListen below).

// `unlinked`: the phone unlinked this profile; autoScan does not pair it again by itself.
const STORAGE = { pairing: 'wa-sim/pairing', profile: 'wa-sim/profile', unlinked: 'wa-sim/unlinked' };
const readJson = (key) => {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
};

class SocketModel extends Model {
  _onListen(name) {
    if (name === 'change:hasSynced') session.maybeSync();
  }
  /** client.logout(): the device unlinks itself (the library closes the browser right after). */
  async logout() {
    session.clearPairing();
    actionLog.push({ kind: 'logout', by: 'client', t: nowSec() });
  }
  takeover() {
    if (this.state === 'CONFLICT') session.reconnect();
  }
  reconnect() {
    session.reconnect();
  }
}

class ConnModel extends Model {
  _onListen(name) {
    if (name === 'change:ref') session.onQrShown();
  }
  canSetMyPushname() {
    return true;
  }
  serialize() {
    const { ref, ...rest } = super.serialize();
    return rest;
  }
}

const Socket = new SocketModel({ state: 'OPENING', hasSynced: false, stream: 'DISCONNECTED' });
const Conn = new ConnModel({ ref: null, pushname: undefined, platform: 'android', battery: undefined, plugged: undefined });
const Cmd = new Emitter();
const Stream = new Model({ available: false });
const actionLog = [];

const session = {
  profileId: '',
  me: null, // { wid, pushName }
  pairingCode: null,
  pairingPhone: null,
  pairedAt: null, // ms: the seeded history ends here
  qrCount: 0,
  qrTimer: null,
  syncScheduled: false,
  autoScanScheduled: false,
  offlineProgress: 0,
  keys: { noise: randomBytes(32), identity: randomBytes(33), adv: toB64(randomBytes(32)) },

  boot() {
    this.profileId = localStorage.getItem(STORAGE.profile) ?? toHex(randomBytes(6));
    localStorage.setItem(STORAGE.profile, this.profileId);
    const paired = readJson(STORAGE.pairing);
    if (paired?.me) {
      this.pairedAt = paired.at ?? null;
      this.setMe(paired.me);
      store.seedAccount();
      msgHistory.restore();
      setTimeout(() => this.connect(), CONFIG.connectDelayMs);
    } else {
      setTimeout(() => this.showQr(), CONFIG.connectDelayMs);
    }
  },
  setMe({ number, pushName }) {
    this.me = { wid: createWid(`${number}@c.us`), pushName };
    Conn.set({ pushname: pushName, wid: this.me.wid });
  },
  setState(state) {
    Socket.set({ state, stream: state === 'CONNECTED' ? 'CONNECTED' : 'DISCONNECTED' });
    control.event('state', { state });
  },
  showQr() {
    this.newRef();
    this.setState('UNPAIRED');
    clearInterval(this.qrTimer);
    if (CONFIG.qrRefreshMs > 0) this.qrTimer = setInterval(() => this.newRef(), CONFIG.qrRefreshMs);
  },
  newRef() {
    this.qrCount++;
    Conn.set('ref', `2@${toB64(randomBytes(48))}`);
    control.event('qr', { ref: Conn.ref, qrCount: this.qrCount });
    return Conn.ref;
  },
  /** The library listens to QR refs: the first QR is out (used by `autoScan`). */
  onQrShown() {
    if (this.takeAutoScan()) {
      setTimeout(() => this.scan().catch((e) => console.error('[wa-sim] autoScan', e)), CONFIG.autoScan.delayMs);
    }
  },
  /** True once per page load when autoScan is on and the phone has not unlinked this profile. */
  takeAutoScan() {
    if (!CONFIG.autoScan || this.autoScanScheduled || localStorage.getItem(STORAGE.unlinked)) return false;
    this.autoScanScheduled = true;
    return true;
  },
  /** The QR text as whatsapp-web.js builds it: ref,noiseKey,identityKey,advSecret,platform. */
  qrString() {
    return Conn.ref && `${Conn.ref},${toB64(this.keys.noise)},${toB64(this.keys.identity)},${this.keys.adv},${DEVICE_PLATFORM}`;
  },
  /** The phone scans the QR (or confirms the pairing code): paired, then connected and synced. */
  async scan(me = {}) {
    if (!['UNPAIRED', 'UNPAIRED_IDLE'].includes(Socket.state)) {
      await waitFor(() => ['UNPAIRED', 'UNPAIRED_IDLE'].includes(Socket.state), 10000, `scan: state ${Socket.state}`);
    }
    const number = me.number ?? defaultMeNumber();
    const pushName = me.pushName ?? CONFIG.me.pushName;
    clearInterval(this.qrTimer);
    const device = browserInfo();
    this.pairedAt = Date.now();
    localStorage.setItem(STORAGE.pairing, JSON.stringify({ me: { number, pushName }, device, at: this.pairedAt }));
    localStorage.removeItem(STORAGE.unlinked);
    actionLog.push({ kind: 'paired', number, device, t: nowSec() });
    this.setMe({ number, pushName });
    this.setState('OPENING');
    store.seedAccount();
    await delay(CONFIG.connectDelayMs);
    this.connect();
  },
  connect() {
    this.setState('CONNECTED');
    this.maybeSync();
  },
  maybeSync() {
    if (this.syncScheduled || Socket.hasSynced || Socket.state !== 'CONNECTED') return;
    if (Socket.listenerCount('change:hasSynced') === 0) return; // the library is not listening yet
    this.syncScheduled = true;
    setTimeout(() => {
      for (const p of [50, 100]) {
        this.offlineProgress = p;
        Cmd.trigger('offline_progress_update_from_bridge');
      }
      Socket.set('hasSynced', true);
      control.event('synced', {});
    }, CONFIG.syncDelayMs);
  },
  clearPairing() {
    localStorage.removeItem(STORAGE.pairing);
    msgHistory.clear(); // WhatsApp Web wipes its database when unlinked
  },
  /** Unlinked from the phone: WhatsApp Web fires Cmd 'logout' and reloads into a QR page. */
  logoutFromPhone() {
    this.clearPairing();
    localStorage.setItem(STORAGE.unlinked, '1');
    actionLog.push({ kind: 'logout', by: 'phone', t: nowSec() });
    Cmd.trigger('logout');
    // The library marks "logged out" when the binding call arrives, then treats the next
    // navigation as the logout; give that call time to reach Node before reloading.
    setTimeout(() => location.reload(), CONFIG.logoutReloadDelayMs);
  },
  /** A remote state change: CONFLICT, UNPAIRED, UNLAUNCHED, TIMEOUT, PROXYBLOCK, TOS_BLOCK, ... */
  disconnect(state) {
    if (state === 'UNPAIRED' || state === 'UNPAIRED_IDLE') {
      this.clearPairing();
      localStorage.setItem(STORAGE.unlinked, '1');
    }
    clearInterval(this.qrTimer);
    this.setState(state);
  },
  async reconnect() {
    this.setState('OPENING');
    await delay(CONFIG.connectDelayMs);
    if (readJson(STORAGE.pairing)) this.connect();
    else this.showQr();
  },
};

const DEVICE_PLATFORM = 'WEB';
/** CONFIG.me.number; each "x" in it becomes a digit derived from the profile id (many sessions). */
const defaultMeNumber = () => {
  let h = parseInt(session.profileId.slice(0, 8), 16) || 0;
  return CONFIG.me.number.replace(/x/g, () => String((h = Math.imul(h, 31) + 7) >>> 0).slice(-1));
};
const browserInfo = () => modules.WAWebMiscBrowserUtils.info();

const PairingApi = {
  pairingType: 'QR',
  setPairingType(type) {
    this.pairingType = type;
  },
  async initializeAltDeviceLinking() {},
  async initializeQRLinking() {
    this.pairingType = 'QR';
  },
  /** Returns the 8-character code the user types on the phone (shown as ABCD-EFGH). */
  async startAltLinkingFlow(phoneNumber) {
    const alphabet = 'ABCDEFGHJKLMNPQRSTVWXYZ23456789';
    session.pairingCode = [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
    session.pairingPhone = String(phoneNumber).replace(/\D/g, '');
    control.event('pairing-code', { code: session.pairingCode, phone: session.pairingPhone });
    if (session.takeAutoScan()) {
      setTimeout(() => enterPairingCode().catch((e) => console.error('[wa-sim] autoScan', e)), CONFIG.autoScan.delayMs);
    }
    return session.pairingCode;
  },
};

/** The phone enters the pairing code: pairs as the number the code was requested for. */
async function enterPairingCode(code) {
  if (!session.pairingCode) throw new Error('[wa-sim] no pairing code was requested');
  if (code && code.replace('-', '') !== session.pairingCode) throw new Error('[wa-sim] wrong pairing code');
  await session.scan({ number: session.pairingPhone });
}

async function waitFor(check, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`[wa-sim] timed out waiting for ${what}`);
    await delay(25);
  }
}
