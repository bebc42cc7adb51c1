/**
 * In WhatsApp Web's page: its label editor, which whatsapp-web.js 1.34.7 has no API for (it
 * only reads labels and puts them on chats). The same module WhatsApp Web's own label screens
 * call, `WAWebBizLabelEditingAction` (see test/sim/README.md, "Groups, labels and channels").
 * Each function is sent to the page as its source, so each stands alone.
 */

interface LabelEditor {
  labelAddAction(name: string, color: number): Promise<unknown>;
  labelEditAction(id: string, name: string, predefinedId: string | undefined, color: number): Promise<unknown>;
  labelDeleteAction(id: string, name: string, color: number): Promise<unknown>;
}
type Page = { require(m: 'WAWebBizLabelEditingAction'): LabelEditor };

/** Creates a label; its id. */
export const LABEL_ADD = async (name: string, color: number): Promise<string> => {
  const editor = (window as unknown as Page).require('WAWebBizLabelEditingAction');
  return String(await editor.labelAddAction(name, color));
};

export const LABEL_EDIT = async (id: string, name: string, color: number): Promise<void> => {
  const editor = (window as unknown as Page).require('WAWebBizLabelEditingAction');
  await editor.labelEditAction(id, name, undefined, color);
};

export const LABEL_DELETE = async (id: string, name: string, color: number): Promise<void> => {
  const editor = (window as unknown as Page).require('WAWebBizLabelEditingAction');
  await editor.labelDeleteAction(id, name, color);
};
