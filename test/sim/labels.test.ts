/**
 * WhatsApp Business labels with the real whatsapp-web.js Client against the simulator: the
 * seeded labels, a chat's labels and a label's chats, addOrRemoveLabels, changes made on the
 * phone, and label editing through WhatsApp Web's own module (1.34.7 has no API for it).
 * One business session for the file; every test that changes labels uses labels or chats of its own.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Client } from 'whatsapp-web.js';
import { type SimControl, simOnPage } from './control';
import { nextEvent, SimRoot } from './harness';
import { simContactId, simGroupId } from './index';

// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const ANA = simContactId(0);
const BEN = simContactId(1);
const CARLA = simContactId(2);
const DEV = simContactId(3);
const ELI = simContactId(4);

async function pairedClient(root: SimRoot): Promise<{ client: Client; sim: SimControl }> {
  const client = root.client();
  const ready = nextEvent(client, 'ready');
  void client.initialize();
  await ready;
  return { client, sim: simOnPage(client.pupPage as never) };
}

type LabelEditor = Record<string, (...args: unknown[]) => Promise<unknown>>;
/** What an engine does for label create / edit / delete: call WhatsApp Web's label editor itself. */
const labelEditor = (client: Client, fn: string, ...args: unknown[]) =>
  client.pupPage!.evaluate(
    async (f: string, a: unknown[]) => {
      const editor = (window as unknown as { require: (m: string) => LabelEditor }).require('WAWebBizLabelEditingAction');
      return (await editor[f]!(...a)) ?? null;
    },
    fn,
    args,
  );
const brief = (labels: { id: string; name: string; hexColor: string }[]) =>
  labels.map(({ id, name, hexColor }) => ({ id, name, hexColor }));

describe('a business account', () => {
  let root: SimRoot;
  let client: Client;
  let sim: SimControl;
  beforeAll(async () => {
    root = new SimRoot({ autoScan: true, business: true });
    ({ client, sim } = await pairedClient(root));
  });
  afterAll(() => root?.cleanup());

  test("the seeded labels: all, one by id, a chat's labels, a label's chats", async () => {
    const labels = await client.getLabels();
    expect(labels.slice(0, 5).map((l) => l.name)).toEqual(['New customer', 'New order', 'Pending payment', 'Paid', 'Order complete']);
    expect(brief(labels)).toEqual(brief(await sim.labels()));
    const first = await client.getLabelById('1');
    expect(brief([first])).toEqual([{ id: '1', name: 'New customer', hexColor: '#ff9485' }]);
    expect((await client.getChatLabels(BEN)).map((l) => l.id)).toEqual(['1', '2']);
    expect((await client.getChatLabels(simGroupId(0))).map((l) => l.name)).toEqual(['Paid']);
    expect((await client.getChatsByLabelId('1')).map((c) => c.id._serialized)).toEqual([ANA, BEN]);
    expect((await first.getChats()).map((c) => c.id._serialized)).toEqual([ANA, BEN]);
    // An unknown id is a TypeError inside the library's page code, not a "not found".
    await expect(client.getLabelById('999')).rejects.toThrow('Cannot read properties of undefined');
    await expect(client.getChatsByLabelId('999')).rejects.toThrow('Cannot read properties of undefined');
  });

  test("addOrRemoveLabels sets a chat's labels to exactly the ones given; changeLabels([]) clears them", async () => {
    const vip = await sim.labelChange({ action: 'create', name: 'VIP', color: 5 });
    const later = await sim.labelChange({ action: 'create', name: 'Follow up', color: 9 });
    await client.addOrRemoveLabels([vip, later], [CARLA]);
    expect(await sim.chatLabels(CARLA)).toEqual([vip, later]);
    await client.addOrRemoveLabels([Number(later)], [CARLA]); // numbers work: the library compares with ==
    expect(brief(await client.getChatLabels(CARLA))).toEqual([{ id: later, name: 'Follow up', hexColor: '#d7e752' }]);
    expect((await client.getChatsByLabelId(later)).map((c) => c.id._serialized)).toEqual([CARLA]);

    await (await client.getChatById(CARLA)).changeLabels([]);
    expect(await sim.chatLabels(CARLA)).toEqual([]);
    expect((await sim.labels()).filter((l) => [vip, later].includes(l.id)).map((l) => l.count)).toEqual([0, 0]);
  });

  test('labels changed on the phone: created, put on a chat, renamed, deleted — the library reads each state', async () => {
    await sim.receive({ from: DEV, body: 'a chat to label' });
    const id = await sim.labelChange({ action: 'create', name: 'From the phone', color: 2 });
    await sim.labelChange({ action: 'add', labelId: id, chatId: DEV });
    expect(brief(await client.getChatLabels(DEV))).toEqual([{ id, name: 'From the phone', hexColor: '#ffd429' }]);
    await sim.labelChange({ action: 'edit', labelId: id, name: 'Renamed on the phone', color: 3 });
    expect(brief([await client.getLabelById(id)])).toEqual([{ id, name: 'Renamed on the phone', hexColor: '#dfaef0' }]);
    await sim.labelChange({ action: 'delete', labelId: id });
    expect((await client.getLabels()).map((l) => l.id)).not.toContain(id);
    expect(await sim.chatLabels(DEV)).toEqual([]);
  });

  test("create, edit and delete through WhatsApp Web's label editor (what an engine must call itself)", async () => {
    await sim.receive({ from: ELI, body: 'a chat to label' });
    await sim.clearLogs();
    const id = (await labelEditor(client, 'labelAddAction', 'Lead', 4)) as string;
    expect(brief([await client.getLabelById(id)])).toEqual([{ id, name: 'Lead', hexColor: '#99b6c1' }]);
    await labelEditor(client, 'labelEditAction', id, 'Hot lead', undefined, 13);
    expect((await sim.labels()).find((l) => l.id === id)).toMatchObject({ name: 'Hot lead', color: 13, hexColor: '#f74848' });
    await client.addOrRemoveLabels([id], [ELI]);
    expect(await sim.chatLabels(ELI)).toEqual([id]);
    await labelEditor(client, 'labelDeleteAction', id, 'Hot lead', 13);
    expect((await sim.labels()).map((l) => l.id)).not.toContain(id);
    expect(await sim.chatLabels(ELI)).toEqual([]); // a deleted label leaves the chats it was on
    expect((await sim.actions()).map((a) => a.kind)).toEqual(['label-create', 'label-edit', 'label-delete']);
    await expect(labelEditor(client, 'labelEditAction', id, 'gone', undefined, 1)).rejects.toThrow('not found');
  });

  test('the library asked for nothing the simulator lacks', async () => {
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });
});

describe('a personal account', () => {
  let root: SimRoot | undefined;
  afterAll(() => root?.cleanup());

  test('has no labels; addOrRemoveLabels and the label editor refuse', async () => {
    root = new SimRoot({ autoScan: true });
    const { client, sim } = await pairedClient(root);
    expect(await client.getLabels()).toEqual([]);
    await expect(client.addOrRemoveLabels(['1'], [ANA])).rejects.toThrow('Only Whatsapp business');
    await expect(labelEditor(client, 'labelAddAction', 'Lead', 0)).rejects.toThrow('WhatsApp Business');
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });
});
