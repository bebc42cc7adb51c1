// media.js: WhatsApp Web's media pipeline without encryption or media servers.
// Send: OpaqueData → prepRawMedia → media object → uploadMedia (stores the bytes under a new
// directPath). Download: downloadAndMaybeDecrypt reads them back. Seeded history media
// ("busy_<size>_<seed>" paths) is generated on demand.

const mediaStore = new Map(); // directPath → Blob
const preparedBlobs = new Map(); // filehash → Blob waiting for upload
const mediaObjects = new Map(); // filehash → media object

class OpaqueData {
  constructor(blob) {
    hide(this, 'blob', blob);
    hide(this, '_url', null);
  }
  static async createFromData(data, type) {
    return new OpaqueData(data instanceof Blob ? data : new Blob([data], { type }));
  }
  url() {
    return (this._url ??= URL.createObjectURL(this.blob));
  }
  autorelease() {}
  formData() {
    return this.blob;
  }
}

/** The prepared media of a send; the library spreads it (and its toJSON) into the message. */
class MediaData extends Model {
  serialize() {
    const { mediaBlob, renderableUrl, ...rest } = super.serialize();
    return rest;
  }
}

const sha256 = async (blob) => toB64(new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())));

function mediaTypeOf(mimetype, { asSticker, asDocument, isPtt } = {}) {
  if (asSticker) return 'sticker';
  if (asDocument) return 'document';
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/')) return isPtt ? 'ptt' : 'audio';
  return 'document';
}

function newMediaEntry(blob, kind = 'sim') {
  const directPath = `/v/t62.7118-24/${kind}_${toHex(randomBytes(12))}.enc?ccb=11-4&oh=sim&oe=${(nowSec() + 14 * 86400).toString(16)}`;
  mediaStore.set(directPath, blob);
  const url = `https://mmg.whatsapp.net${directPath}&mms3=true`;
  return {
    mmsUrl: url,
    deprecatedMms3Url: url,
    directPath,
    mediaKey: toB64(randomBytes(32)),
    mediaKeyTimestamp: nowSec(),
    encFilehash: toB64(randomBytes(32)),
    uploadHash: toB64(randomBytes(32)),
    handle: null,
  };
}

function seededBlob(directPath) {
  const m = /busy_(\d+)_(\d+)/.exec(directPath);
  if (!m) return undefined;
  const rand = prng(Number(m[2]));
  const bytes = new Uint8Array(Number(m[1]));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (rand() * 256) | 0;
  return new Blob([bytes], { type: 'image/jpeg' });
}

const media = {
  OpaqueData,
  prepRawMedia(opaque, params = {}) {
    return {
      async waitForPrep() {
        const blob = opaque.blob;
        const mimetype = blob.type || 'application/octet-stream';
        const type = mediaTypeOf(mimetype, params);
        const filehash = await sha256(blob);
        preparedBlobs.set(filehash, blob);
        const filename = blob.name && blob.name !== 'undefined' ? blob.name : undefined;
        return new MediaData({
          type,
          mimetype,
          filehash,
          size: blob.size,
          filename,
          isGif: Boolean(params.asGif && type === 'video'),
          mediaBlob: opaque,
        });
      },
    };
  },
  getOrCreateMediaObject(filehash) {
    if (!mediaObjects.has(filehash)) {
      mediaObjects.set(filehash, {
        filehash,
        type: undefined,
        size: 0,
        contentInfo: {},
        consolidate(json) {
          Object.assign(this, json);
        },
      });
    }
    return mediaObjects.get(filehash);
  },
  async uploadMedia({ mediaObject }) {
    const blob = preparedBlobs.get(mediaObject.filehash);
    if (!blob) throw new Error(`[wa-sim] upload: no prepared media for ${mediaObject.filehash}`);
    preparedBlobs.delete(mediaObject.filehash);
    return { mediaEntry: newMediaEntry(blob) };
  },
  async download({ directPath }) {
    const blob = mediaStore.get(directPath) ?? seededBlob(directPath);
    if (!blob) throw Object.assign(new Error(`[wa-sim] media not found: ${directPath}`), { status: 404 });
    return blob.arrayBuffer();
  },
  /** Media fields of an incoming message: `{ mimetype, data (base64), filename }`. */
  async incoming({ mimetype, data, filename }, spec = {}) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const blob = new Blob([bytes], { type: mimetype });
    const entry = newMediaEntry(blob, 'in');
    return {
      type: spec.type ?? mediaTypeOf(mimetype, { isPtt: spec.ptt, asSticker: spec.sticker }),
      mimetype,
      filename,
      size: blob.size,
      filehash: await sha256(blob),
      isViewOnce: spec.isViewOnce,
      directPath: entry.directPath,
      clientUrl: entry.mmsUrl,
      deprecatedMms3Url: entry.deprecatedMms3Url,
      mediaKey: entry.mediaKey,
      mediaKeyTimestamp: entry.mediaKeyTimestamp,
      encFilehash: entry.encFilehash,
    };
  },
  /** The bytes stored under a directPath, base64 (to check what the library uploaded). */
  async dataOf(directPath) {
    const buf = await media.download({ directPath });
    return await new Promise((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result).split(',')[1] ?? '');
      r.readAsDataURL(new Blob([buf]));
    });
  },
};
