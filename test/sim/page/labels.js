// labels.js: WhatsApp Business labels. The Label collection whatsapp-web.js reads (getLabels,
// getLabelById, getChatLabels, getChatsByLabelId), its addOrRemoveLabels, the label editing
// module WhatsApp Web's own UI uses (create / edit / delete: whatsapp-web.js 1.34.7 has no API
// for those, an engine calls the module itself), and changes made on the phone (control).
//
// Labels exist on business accounts only: with CONFIG.business the phone runs WhatsApp Business
// (Conn.platform 'smba', which the library's addOrRemoveLabels insists on) and the five labels
// WhatsApp Business starts with are seeded. A chat's labels are its `labels` attribute (ids).

/** WhatsApp's label palette: a label stores the index (colorIndex), the UI shows the colour. */
const LABEL_COLORS = [
  '#ff9485',
  '#64c4ff',
  '#ffd429',
  '#dfaef0',
  '#99b6c1',
  '#55ccb3',
  '#ff9dff',
  '#d3a91d',
  '#6d7cce',
  '#d7e752',
  '#00d0e2',
  '#ffc5c7',
  '#93ceac',
  '#f74848',
  '#00a0f2',
  '#83e422',
  '#ffaf04',
  '#b5ebff',
  '#9ba6ff',
  '#9368cf',
];
const PREDEFINED_LABELS = ['New customer', 'New order', 'Pending payment', 'Paid', 'Order complete'];

class LabelModel extends Model {
  constructor(attrs) {
    super({ colorIndex: 0, count: 0, ...attrs });
    this.id = String(this.id);
    hide(this, 'labelItemCollection', new Collection());
  }
  /** A getter in WhatsApp Web too: serialize() leaves it out and the library copies it. */
  get hexColor() {
    return LABEL_COLORS[this.colorIndex] ?? LABEL_COLORS[0];
  }
}

class LabelCollection extends Collection {
  /** WhatsApp Web indexes collections by string: Label.get(1) is Label.get('1'). */
  get(id) {
    return typeof id === 'number' ? super.get(String(id)) : super.get(id);
  }
  /** Client.addOrRemoveLabels: `actions` [{ id, type: 'add' | 'remove' }] on each chat. */
  async addOrRemoveLabels(actions, chats) {
    for (const chat of chats) {
      for (const { id, type } of actions) labelStore.assign(String(id), chat, type === 'add');
    }
  }
}

const labelStore = {
  requireBusiness() {
    if (!['smba', 'smbi'].includes(Conn.platform)) throw serverError(403, 'labels need a WhatsApp Business account');
  },
  label(id) {
    const label = collections.Label.get(id);
    if (!label) throw serverError(404, `label ${id} not found`);
    return label;
  },
  create(name, colorIndex = 0, predefinedId) {
    const ids = collections.Label.getModelsArray().map((l) => Number(l.id));
    const id = String(Math.max(0, ...ids) + 1);
    collections.Label.add({ id, name, colorIndex, ...(predefinedId ? { predefinedId } : {}) });
    return id;
  },
  edit(id, { name, colorIndex }) {
    const label = this.label(id);
    label.set({ ...(name !== undefined ? { name } : {}), ...(colorIndex !== undefined ? { colorIndex } : {}) });
  },
  remove(id) {
    const label = this.label(id);
    for (const item of [...label.labelItemCollection.getModelsArray()]) {
      const chat = collections.Chat.get(item.parentId);
      if (chat) this.assign(label.id, chat, false);
    }
    collections.Label.remove(label);
  },
  /** Puts the label on the chat or takes it off: the chat's `labels`, the label's items and count. */
  assign(id, chat, on) {
    const label = collections.Label.get(id);
    if (!label) return;
    const had = (chat.labels ?? []).includes(label.id);
    if (had === on) return;
    const key = `${label.id}:${chat.id._serialized}`;
    if (on) label.labelItemCollection.add({ id: key, labelId: label.id, parentId: chat.id._serialized, parentType: 'Chat' });
    else label.labelItemCollection.remove(key);
    chat.set('labels', on ? [...(chat.labels ?? []), label.id] : chat.labels.filter((l) => l !== label.id));
    label.set('count', label.labelItemCollection.length);
  },
  snapshot(label) {
    return {
      id: label.id,
      name: label.name,
      color: label.colorIndex,
      hexColor: label.hexColor,
      predefinedId: label.predefinedId ?? null,
      count: label.count,
      chats: label.labelItemCollection.getModelsArray().map((i) => i.parentId),
    };
  },
};

collections.Label = new LabelCollection(LabelModel, { comparator: (a, b) => Number(a.id) - Number(b.id) });
if (CONFIG.business) Conn.set('platform', 'smba');

store.seeders.push((_profile, ids) => {
  if (!CONFIG.business) return;
  store.contact(session.me.wid, { isBusiness: true });
  PREDEFINED_LABELS.forEach((name, i) => {
    labelStore.create(name, i, String(i + 1));
  });
  // A few chats already carry labels, as on a phone that has been in use.
  const tag = (labelId, id) => {
    const chat = collections.Chat.get(id);
    if (chat) labelStore.assign(labelId, chat, true);
  };
  tag('1', contactWid(ids, 0));
  tag('1', contactWid(ids, 1));
  tag('2', contactWid(ids, 1));
  tag('4', groupWid(ids, 0));
});

extendModules({
  // What WhatsApp Web's label editor calls; no whatsapp-web.js API, an engine calls it itself.
  WAWebBizLabelEditingAction: {
    async labelAddAction(name, colorIndex) {
      labelStore.requireBusiness();
      const id = labelStore.create(name, colorIndex ?? 0);
      log({ kind: 'label-create', labelId: id, name, color: colorIndex ?? 0 });
      return id;
    },
    async labelEditAction(id, name, _predefinedId, colorIndex) {
      labelStore.requireBusiness();
      labelStore.edit(String(id), { name, colorIndex });
      log({ kind: 'label-edit', labelId: String(id), name, color: colorIndex });
    },
    async labelDeleteAction(id) {
      labelStore.requireBusiness();
      labelStore.remove(String(id));
      log({ kind: 'label-delete', labelId: String(id) });
    },
  },
});

/** Control (window.__sim): the account's labels, and changes made on the phone. */
const labelControl = {
  labels() {
    return collections.Label.getModelsArray().map((l) => labelStore.snapshot(l));
  },
  /** The label ids on a chat. */
  chatLabels(chatId) {
    return [...(collections.Chat.get(createWid(chatId))?.labels ?? [])];
  },
  /**
   * The phone changes labels: 'create' (`name`, `color` index; returns the new id), 'edit',
   * 'delete', or 'add' / 'remove' a label on a chat (`labelId`, `chatId`).
   */
  labelChange({ action, labelId, chatId, name, color }) {
    switch (action) {
      case 'create':
        return labelStore.create(name, color ?? 0);
      case 'edit':
        labelStore.edit(String(labelId), { name, colorIndex: color });
        return String(labelId);
      case 'delete':
        labelStore.remove(String(labelId));
        return String(labelId);
      case 'add':
      case 'remove': {
        const chat = collections.Chat.get(createWid(chatId));
        if (!chat) throw new Error(`[wa-sim] labelChange: no chat ${chatId}`);
        labelStore.label(String(labelId));
        labelStore.assign(String(labelId), chat, action === 'add');
        return String(labelId);
      }
      default:
        throw new Error(`[wa-sim] labelChange: unknown action ${action}`);
    }
  },
};
