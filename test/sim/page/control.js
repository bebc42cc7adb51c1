// control.js: what tests drive. `window.__sim` (reached with page.evaluate) and, when
// CONFIG.controlUrl is set, the same methods over a WebSocket to the test's control server
// (for a browser launched by another process). Every method returns JSON-able data.

const api = {
  status() {
    const contacts = collections.Contact.length;
    return {
      version: CONFIG.version,
      profileId: session.profileId,
      state: Socket.state,
      hasSynced: Socket.hasSynced,
      paired: Boolean(readJson(STORAGE.pairing)),
      me: session.me ? { id: session.me.wid._serialized, pushName: session.me.pushName } : null,
      qr: Socket.state.startsWith('UNPAIRED') ? session.qrString() : null,
      qrCount: session.qrCount,
      pairingCode: session.pairingCode,
      counts: { chats: collections.Chat.length, groups: collections.GroupMetadata.length, messages: collections.Msg.length, contacts },
      missing: api.missing(),
    };
  },
  /** What this page can see of the browser it runs in (what WhatsApp Web's own code could read). */
  async browser() {
    const ua = navigator.userAgentData;
    const high = ua?.getHighEntropyValues
      ? await ua.getHighEntropyValues(['fullVersionList', 'platformVersion', 'architecture']).catch(() => null)
      : null;
    let webgl = null;
    try {
      const gl = document.createElement('canvas').getContext('webgl');
      webgl = gl ? gl.getParameter(gl.RENDERER) : null;
    } catch {
      webgl = null;
    }
    return {
      userAgent: navigator.userAgent,
      appVersion: navigator.appVersion,
      brands: ua ? ua.brands.map((b) => `${b.brand} ${b.version}`) : null,
      fullVersionList: high?.fullVersionList ? high.fullVersionList.map((b) => `${b.brand} ${b.version}`) : null,
      platform: ua ? ua.platform : null,
      navigatorPlatform: navigator.platform,
      mobile: ua ? ua.mobile : null,
      webdriver: navigator.webdriver,
      languages: [...navigator.languages],
      hardwareConcurrency: navigator.hardwareConcurrency,
      plugins: navigator.plugins.length,
      pdfViewerEnabled: navigator.pdfViewerEnabled,
      serviceWorker: 'serviceWorker' in navigator,
      notification: typeof Notification === 'undefined' ? null : Notification.permission,
      screen: { width: screen.width, height: screen.height, colorDepth: screen.colorDepth },
      viewport: { width: innerWidth, height: innerHeight, devicePixelRatio },
      webgl,
      chromeObject: typeof window.chrome === 'object',
    };
  },
  /**
   * What WhatsApp Web does with a video before it sends one (its duration, size and a JPEG
   * thumbnail of a frame), done by this browser: decode `data` (base64) in a <video>, seek to
   * `atSec`, draw that frame into a canvas, encode it. `colours`: distinct colours in the frame.
   */
  async videoFrame({ mimetype, data, atSec = 0.5 }) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: mimetype }));
    const video = document.createElement('video');
    video.muted = true;
    try {
      await new Promise((resolve, reject) => {
        video.onloadeddata = resolve;
        video.onerror = () => reject(new Error(`[wa-sim] video: ${video.error?.message || `error ${video.error?.code}`}`));
        video.src = url;
      });
      await new Promise((resolve) => {
        video.onseeked = resolve;
        video.currentTime = atSec;
      });
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext('2d');
      // After `seeked` the decoded frame can reach the element a little later on a busy machine
      // (drawImage then paints nothing): draw again until it is there, as a page would wait.
      let colours = new Set();
      let draws = 0;
      while (colours.size <= 1 && draws < 40) {
        if (draws++) await new Promise((resolve) => setTimeout(resolve, 50));
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(video, 0, 0);
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        colours = new Set();
        for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
      }
      const jpeg = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
      return {
        canPlay: video.canPlayType(mimetype),
        durationSec: video.duration,
        width: video.videoWidth,
        height: video.videoHeight,
        colours: colours.size,
        draws,
        thumbnailBytes: jpeg ? jpeg.size : 0,
      };
    } finally {
      URL.revokeObjectURL(url);
    }
  },
  /** Resolves once whatsapp-web.js finished injecting into this page load (it listens to hasSynced). */
  waitForInjected(timeoutMs = 20000) {
    return waitFor(() => Socket.listenerCount('change:hasSynced') > 0, timeoutMs, 'whatsapp-web.js to inject');
  },
  /** The phone scans the QR: `me` defaults to CONFIG.me. Waits for the QR page if needed. */
  async scan(me) {
    await session.scan(me ?? {});
  },
  async enterPairingCode(code) {
    await enterPairingCode(code);
  },
  refreshQr() {
    return session.newRef();
  },
  receive(spec) {
    return receive(spec);
  },
  /** Someone reacts to a message (`from` defaults to the chat's contact / first group member). */
  react(msgId, emoji, from) {
    const msg = collections.Msg.get(msgId);
    if (!msg) throw new Error(`[wa-sim] react: message ${msgId} not found`);
    const chat = msg.chat;
    const sender = from
      ? createWid(from)
      : chat.groupMetadata
        ? chat.groupMetadata.participants.getModelsArray().find((p) => !p.id.equals(session.me.wid)).id
        : chat.id;
    return react(msg, emoji, sender);
  },
  /** Moves a message's ack (0 pending, 1 server, 2 delivered, 3 read, 4 played, -1 error). */
  ack(msgId, ack) {
    const msg = collections.Msg.get(msgId);
    if (!msg) throw new Error(`[wa-sim] ack: message ${msgId} not found`);
    msg.set('ack', ack);
  },
  /** 'auto' (1 → 2 → 3), 'server' (1 only) or 'manual' (tests move acks). */
  setAckMode(mode, delayMs = acks.delayMs) {
    Object.assign(acks, { mode, delayMs });
  },
  /** The next send fails: 'throw' rejects sendMessage, 'ack-error' adds the message with ack -1. */
  failNextSend({ mode = 'throw', message } = {}) {
    failNext = { mode, message };
  },
  /**
   * After this call has answered: the library reacts to a lost connection by closing its
   * browser, which must not overtake the answer (the caller would see "page went away").
   */
  disconnect(state = 'CONFLICT') {
    setTimeout(() => session.disconnect(state), 0);
  },
  reconnect() {
    return session.reconnect();
  },
  logoutFromPhone() {
    session.logoutFromPhone();
  },
  outbox() {
    return outboxEntries();
  },
  /** Resolves with the first outbox entry whose fields equal `filter`'s (already sent or next). */
  waitForOutbox(filter = {}, timeoutMs = 10000) {
    const match = (e) => Object.entries(filter).every(([k, v]) => e[k] === v);
    const found = api.outbox().find(match);
    if (found) return found;
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve };
      control.waiters.add(waiter);
      setTimeout(() => {
        if (control.waiters.delete(waiter)) reject(new Error(`[wa-sim] no outbox entry matching ${JSON.stringify(filter)}`));
      }, timeoutMs);
    });
  },
  actions() {
    return actionLog.slice();
  },
  clearLogs() {
    outbox.length = 0;
    actionLog.length = 0;
  },
  missing() {
    return { modules: [...missing.modules], props: [...missing.props] };
  },
  setRegistered(id, registered) {
    store.registered.set(createWid(id)._serialized, registered);
  },
  setProfilePic(id, url) {
    store.profilePics.set(createWid(id)._serialized, url);
  },
  addContact({ id, ...attrs }) {
    return store.contact(id, attrs).id._serialized;
  },
  /** An incoming call (see calls.js): the library emits `call`. Returns the call id. */
  incomingCall(spec) {
    return calls.incoming(spec);
  },
  /** The bytes of an uploaded or received media file, base64. */
  mediaData(directPath) {
    return media.dataOf(directPath);
  },
};

// Areas in their own page files: groups (addGroup, group, groupEvent, ...), labels, channels.
Object.assign(api, groupControl, labelControl, channelControl);

const control = {
  ws: null,
  waiters: new Set(),
  instanceId: toHex(randomBytes(6)),
  event(name, data) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'event', event: name, data }));
  },
  outboxAdded(entry) {
    for (const w of [...this.waiters]) {
      if (w.match(entry)) {
        this.waiters.delete(w);
        w.resolve(entry);
      }
    }
    this.event('outbox', entry);
  },
  hello() {
    const s = api.status();
    return { type: 'hello', profileId: s.profileId, instanceId: this.instanceId, version: s.version, state: s.state, me: s.me };
  },
  /** Connects to the test's control server and serves `api` calls: { id, method, args } → { id, result | error }. */
  connect(retry = 0) {
    if (!CONFIG.controlUrl) return;
    const ws = new WebSocket(CONFIG.controlUrl);
    ws.onopen = () => {
      retry = 0;
      this.ws = ws;
      ws.send(JSON.stringify(this.hello()));
    };
    ws.onmessage = async (e) => {
      const { id, method, args = [] } = JSON.parse(e.data);
      try {
        if (typeof api[method] !== 'function') throw new Error(`[wa-sim] unknown control method ${method}`);
        ws.send(JSON.stringify({ id, result: (await api[method](...args)) ?? null }));
      } catch (err) {
        ws.send(JSON.stringify({ id, error: String(err?.message ?? err) }));
      }
    };
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null;
      setTimeout(() => this.connect(retry + 1), Math.min(5000, 100 * 2 ** retry));
    };
  },
};
