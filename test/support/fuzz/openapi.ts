/**
 * The service's own OpenAPI document as something to generate requests from: its operations
 * (method, path, parameters, body schema, the statuses it documents) and valid values for a
 * schema — from seeds the test gives (simulator ids) when they fit the schema, else the schema's
 * examples, const, enum, default, or the least value its type and bounds allow.
 */

export type Schema = Record<string, any>;

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  /** The path template, e.g. `/api/{session}/chats`. */
  path: string;
  id: string;
  /** Statuses the document lists for it. */
  documented: ReadonlySet<number>;
  params: Param[];
  /** The JSON request body's schema, when it takes one. */
  body?: Schema;
}

/** A value for a field, by field name; used only where it fits the field's schema. */
export type Seeds = Record<string, () => unknown>;

/** `s` with every `$ref` to the document's components replaced by the component, all the way down. */
function inline(doc: Schema, s: unknown, seen: ReadonlySet<string> = new Set()): any {
  if (Array.isArray(s)) return s.map((v) => inline(doc, v, seen));
  if (!s || typeof s !== 'object') return s;
  const ref = (s as Schema).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    if (seen.has(ref)) return {};
    const { $ref: _, ...siblings } = s as Schema;
    return { ...inline(doc, doc.components?.schemas?.[ref.slice('#/components/schemas/'.length)], new Set([...seen, ref])), ...siblings };
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'examples' || k === 'example' ? v : inline(doc, v, seen)]));
}

export function operationsOf(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        id: op.operationId ?? `${method} ${path}`,
        documented: new Set(Object.keys(op.responses ?? {}).map(Number)),
        params: (op.parameters ?? []).map((p: Schema) => ({
          name: p.name,
          in: p.in,
          required: !!p.required,
          schema: inline(doc, p.schema ?? {}),
        })),
        body: inline(doc, op.requestBody?.content?.['application/json']?.schema),
      });
    }
  }
  return ops;
}

/** The first type a schema allows that is not null. */
export const typeOf = (s: Schema): string | undefined => (Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type);

/** Whether `v` passes the checks of `s` that matter for a seed (type, pattern, length). */
function fits(v: unknown, s: Schema): boolean {
  const type = typeOf(s.anyOf?.at(-1) ?? s);
  if (type === 'string') {
    if (typeof v !== 'string') return false;
    if (s.pattern && !new RegExp(s.pattern).test(v)) return false;
    return v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity);
  }
  if (type === 'array') return Array.isArray(v);
  if (type === 'object') return typeof v === 'object' && v !== null && !Array.isArray(v);
  if (type === 'integer' || type === 'number') return typeof v === 'number';
  if (type === 'boolean') return typeof v === 'boolean';
  return true;
}

/**
 * A value valid for `s`. `all`: objects get every property, not only the required ones. `name`
 * is the field's name, for the seeds.
 */
export function sample(s: Schema, seeds: Seeds, all: boolean, name?: string, depth = 0): unknown {
  const seed = name ? seeds[name] : undefined;
  if (seed) {
    const v = seed();
    if (fits(v, s)) return v;
  }
  if (s.examples?.length) return structuredClone(s.examples[0]);
  if ('const' in s) return s.const;
  if (s.enum?.length) return s.enum[0];
  const branches: Schema[] | undefined = s.anyOf ?? s.oneOf;
  // The last branch: for a query number that is the number (the first is its string form).
  if (branches) return sample(branches.filter((b) => typeOf(b) !== undefined).at(-1) ?? branches[0]!, seeds, all, name, depth);
  if (s.default !== undefined) return structuredClone(s.default);
  switch (typeOf(s)) {
    case 'string':
      if (s.format === 'integer') return String(s.minimum ?? 1);
      return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
    case 'integer':
    case 'number':
      return Math.min(s.minimum ?? 1, s.maximum ?? Infinity);
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: Math.max(s.minItems ?? 1, 1) }, () => sample(s.items ?? {}, seeds, all, undefined, depth + 1));
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 5) return out;
      const required = new Set<string>(s.required ?? []);
      for (const [k, p] of Object.entries<Schema>(s.properties ?? {}))
        if (required.has(k) || all) out[k] = sample(p, seeds, all, k, depth + 1);
      if (all && s.patternProperties) out.key = 'value';
      return out;
    }
    default:
      return null;
  }
}

/** Every path to a property in `value` (objects and the first item of arrays), at most `depth` deep. */
export function fieldPaths(value: unknown, depth = 3, prefix: (string | number)[] = []): (string | number)[][] {
  if (prefix.length >= depth || value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? (value.length ? [[0, value[0]]] : []) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...fieldPaths(v, depth, [...prefix, k])]);
}

/** A copy of `value` with the field at `path` set to `to` (or removed, for `undefined`). */
export function withField(value: unknown, path: (string | number)[], to: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (to === undefined) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else at[last] = to;
  return copy;
}

/** The schema of the field at `path` under `s` (properties and array items), or undefined. */
export function schemaAt(s: Schema | undefined, path: (string | number)[]): Schema | undefined {
  let at = s;
  for (const k of path) {
    if (!at) return undefined;
    const inner: Schema = at.anyOf?.find((b: Schema) => typeOf(b) === 'object' || typeOf(b) === 'array') ?? at;
    at = typeof k === 'number' ? inner.items : inner.properties?.[k];
  }
  return at;
}
