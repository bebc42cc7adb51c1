/**
 * WAHA's operations, as docs/waha-operations.tsv lists them (embedded in the executable): each
 * with its tag, method, path, operationId and request body's name, whether WAHA's WEBJS engine serves it, and whether
 * this service does — `yes`, `no` (the reason beside it) or `refuses` (the route exists and answers
 * the refusal WAHA answers when the feature is off). The document takes WAHA's operationIds and tags
 * from here; the coverage test checks the list against the document.
 */
import text from '../../../docs/waha-operations.tsv' with { type: 'text' };

export interface WahaOperation {
  tag: string;
  method: string;
  path: string;
  operationId: string;
  /** The component name of its JSON request body in WAHA's document; empty when it takes none. */
  body: string;
  webjs: 'yes' | 'no' | 'deprecated';
  ours: 'yes' | 'no' | 'refuses';
  why: string;
}

/** The same key for `/api/{session}/chats/{chatId}` and `/api/:session/chats/:id`: method and path shape. */
export const operationKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}|:[^/]+/g, '{}')}`;

export function parseOperations(tsv: string): WahaOperation[] {
  const [header, ...lines] = tsv.split('\n').filter((l) => l.trim() !== '');
  const columns = header!.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const row = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])) as unknown as WahaOperation;
    return row;
  });
}

export const WAHA_OPERATIONS: readonly WahaOperation[] = parseOperations(text);

const byKey = new Map(WAHA_OPERATIONS.map((op) => [operationKey(op.method, op.path), op]));

/** WAHA's operation at this method and path, if WAHA has one. */
export const wahaOperation = (method: string, path: string) => byKey.get(operationKey(method, path));
