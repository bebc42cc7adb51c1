// ciphertext.js: messages that arrive before they can be decrypted ("waiting for this message").
//
// WhatsApp Web adds such a message as type 'ciphertext'; whatsapp-web.js emits `message_ciphertext`,
// asks the phone to resend after 5 s (WAWebNonMessageDataRequestPlaceholderMessageResendUtils),
// emits `message` once the type changes (decrypted), and `message_ciphertext_failed` after 15 s
// without a change.

const waiting = new Map(); // msg id → the content it will have once decrypted

Object.assign(api, {
  /** An incoming message that cannot be decrypted yet (same fields as receive); returns its id. */
  async receiveWaiting(spec) {
    const { from, author, pushName, id: msgId, t } = spec;
    const id = await receive({ from, author, pushName, id: msgId, t, type: 'ciphertext', body: '' });
    waiting.set(id, spec);
    return id;
  },
  /** The waiting message decrypts: text or media (not polls, locations or cards), as receive would have delivered it. */
  async decrypt(msgId) {
    const spec = waiting.get(msgId);
    const msg = collections.Msg.get(msgId);
    if (!spec || !msg) throw new Error(`[wa-sim] decrypt: ${msgId} is not a waiting message`);
    waiting.delete(msgId);
    const content = spec.media
      ? { ...(await media.incoming(spec.media, spec)), body: '', caption: spec.caption ?? spec.body }
      : { type: spec.type ?? 'chat', body: spec.body ?? '' };
    if (spec.media) {
      hide(msg, 'mediaData', new Model({ mediaStage: 'RESOLVED' }));
      hide(msg, 'mediaObject', { type: content.type, filehash: content.filehash });
    }
    msg.set(content);
  },
});
