/**
 * The OpenAPI document, made from what Elysia generates from the routes' schemas: WAHA's
 * operationIds and tags on WAHA's operations, JSON request bodies with their examples, one
 * component per named schema, a description and an error schema for every status, and only
 * keywords OpenAPI knows (TypeBox's `error` and `extension` are ours, not JSON Schema's).
 * Pure: the input is plain JSON, the output too; what does not fit is reported in `problems`.
 */
import { STATUS_CODES } from 'node:http';
import { ErrorBody } from '../../model';
import { operationKey, wahaOperation } from './catalog';
import { fullTagName, TAGS } from './tags';

type Json = Record<string, unknown>;
type Operation = Json & {
  operationId?: string;
  tags?: string[];
  parameters?: Json[];
  requestBody?: { content?: Record<string, { schema?: Json }> } & Json;
  responses?: Record<string, Json>;
  security?: unknown[];
};

export interface Generated {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Json> };
}

export interface DocumentInput {
  generated: Generated;
  /** The operationId each route declares, by `operationKey(method, path)`. */
  declared: ReadonlyMap<string, string>;
  /** Whether the route at this OpenAPI path is open without a key. */
  isOpen: (path: string) => boolean;
  info: { title: string; version: string; description: string };
  /** Operations Elysia cannot generate (a WebSocket upgrade), already in their final form. */
  extraPaths?: Record<string, Record<string, Operation>>;
}

export interface OpenApiDocument {
  openapi: string;
  info: Json;
  servers: Json[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
  security: Record<string, string[]>[];
}

export const SECURITY_SCHEME = 'api_key';
const REF = '#/components/schemas/';
const JSON_TYPE = 'application/json';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** Keywords TypeBox and Elysia add that are not JSON Schema's. */
const FOREIGN_KEYWORDS = new Set(['error', 'extension', '$id']);
/** Where JSON Schema nests schemas: maps of them, lists of them, and single ones. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_ONES = new Set([
  'items',
  'additionalProperties',
  'not',
  'contains',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

/** What a use of a schema may say about itself without changing what the schema is. */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly']);
const withoutAnnotations = (schema: Json) => Object.fromEntries(Object.entries(schema).filter(([k]) => !ANNOTATIONS.has(k)));

/** What a status means here, where the reason phrase alone says too little. */
const STATUS_DESCRIPTIONS: Record<string, string> = {
  '400': 'Bad input: the message names the field and what was expected',
  '401': 'Missing or wrong API key',
  '403': 'The API key may not do this (a key bound to another session, or not an admin key)',
  '404': 'Not found; an unknown session is "Session not found"',
  '413': 'The request body or a fetched file is larger than allowed',
  '422': "Not possible now: the session's status or the account does not allow it (the message says why)",
  '501': "WhatsApp Web (through whatsapp-web.js) cannot do this; WAHA's WEBJS engine answers the same",
  '502': 'WhatsApp Web failed: the message names the call and why',
  '503': 'Not available now (a limit reached, or the service is stopping); try again later',
  '504': 'WhatsApp Web or a fetched URL did not answer in time',
};

class Builder {
  readonly problems: string[] = [];
  readonly schemas: Record<string, Json> = {};

  /** A schema with only JSON Schema's keywords, and every named schema replaced by a reference to its component. */
  schema(schema: unknown): unknown {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
    const out: Json = {};
    for (const [key, value] of Object.entries(schema)) {
      if (FOREIGN_KEYWORDS.has(key)) continue;
      if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
        out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.schema(v)]));
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map((v) => this.schema(v));
      } else if (SCHEMA_ONES.has(key)) {
        out[key] = this.schema(value);
      } else {
        out[key] = value;
      }
    }
    // Elysia turns a union of literals into an enum typed "string" whatever the literals are.
    if (Array.isArray(out.enum) && out.type !== undefined) {
      const type = enumType(out.enum);
      if (type) out.type = type;
      else delete out.type;
    }
    const id = (schema as Json).$id;
    return typeof id === 'string' && id.startsWith(REF) ? this.named(id, out) : out;
  }

  /**
   * A named schema becomes a reference to its component. Elysia folds `t.Union([X, t.Null()])` into
   * X with `type: [..., 'null']` and the union's own description or default: such a use becomes
   * "X or null", and what a use says about itself stays beside the reference.
   */
  private named(id: string, schema: Json): Json {
    const name = id.slice(REF.length);
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : null;
    const nullable = types?.includes('null') ?? false;
    const body: Json = {};
    const notes: Json = {};
    for (const [key, value] of Object.entries(schema)) (ANNOTATIONS.has(key) ? notes : body)[key] = value;
    if (nullable) {
      const rest = types!.filter((t) => t !== 'null');
      body.type = rest.length === 1 ? rest[0] : rest;
    }
    const known = this.schemas[name];
    if (!known) this.schemas[name] = nullable ? body : { ...body, ...notes };
    else if (!Bun.deepEquals(withoutAnnotations(known), body)) this.problems.push(`two different schemas are named ${name}`);
    else if (!nullable && !Object.keys(known).some((k) => ANNOTATIONS.has(k))) Object.assign(known, notes);
    const ref = { $ref: id };
    const own = Object.fromEntries(Object.entries(notes).filter(([k, v]) => !Bun.deepEquals(this.schemas[name]![k], v)));
    return nullable ? { anyOf: [ref, { type: 'null' }], ...own } : { ...ref, ...own };
  }

  /** A component's own schema when `schema` refers to one. */
  resolve(schema: unknown): Json | undefined {
    if (!schema || typeof schema !== 'object') return undefined;
    const ref = (schema as Json).$ref;
    return typeof ref === 'string' && ref.startsWith(REF) ? this.schemas[ref.slice(REF.length)] : (schema as Json);
  }

  /**
   * JSON only (the edge parses nothing else), with the schema's first example shown as the body's,
   * and named `name` (WAHA's name for the body) unless the schema is named already.
   */
  requestBody(body: NonNullable<Operation['requestBody']>, name: string | undefined, where: string): Json {
    let raw = body.content?.[JSON_TYPE]?.schema;
    if (name && raw) {
      const id = raw.$id;
      if (id === undefined) raw = { ...raw, $id: `${REF}${name}` };
      else if (id !== `${REF}${name}`)
        this.problems.push(`${where}: the body is named ${String(id).slice(REF.length)}, WAHA names it ${name}`);
    }
    const schema = this.schema(raw) as Json | undefined;
    const example = (this.resolve(schema)?.examples as unknown[] | undefined)?.[0];
    const media: Json = { schema };
    if (example !== undefined) media.example = example;
    return { ...(body.description ? { description: body.description } : {}), required: true, content: { [JSON_TYPE]: media } };
  }

  /**
   * One response: a description that says something; no content for `t.Void()`; a file
   * (`t.File`, alone or as one branch of a union) under its own media type, beside the JSON branches.
   */
  response(status: string, response: Json): Json {
    const generic = typeof response.description !== 'string' || /^Response for status \d+$/.test(response.description);
    const description = generic ? (STATUS_DESCRIPTIONS[status] ?? STATUS_CODES[Number(status)] ?? status) : response.description;
    const out: Json = { description };
    const content = response.content as Record<string, { schema?: Json }> | undefined;
    if (!content || typeof content.type === 'string') return out; // Elysia's rendering of t.Void()
    const media: Record<string, Json> = {};
    for (const [type, entry] of Object.entries(content)) {
      const schema = entry?.schema;
      const branches = Array.isArray(schema?.anyOf) ? (schema.anyOf as Json[]) : schema ? [schema] : [];
      const files = branches.filter(isFile);
      const rest = branches.filter((b) => !isFile(b));
      for (const file of files) {
        media[typeof file.extension === 'string' ? file.extension : 'application/octet-stream'] = {
          schema: { type: 'string', format: 'binary', ...(file.description ? { description: file.description } : {}) },
        };
      }
      if (rest.length === 0 && files.length > 0) continue;
      const kept = files.length === 0 ? schema : rest.length === 1 ? rest[0] : { ...schema, anyOf: rest };
      media[type] = { schema: this.schema(kept) };
    }
    if (Object.keys(media).length > 0) out.content = media;
    return out;
  }

  error(status: string): Json {
    return {
      description: STATUS_DESCRIPTIONS[status] ?? STATUS_CODES[Number(status)],
      content: { [JSON_TYPE]: { schema: this.errorRef } },
    };
  }

  private get errorRef() {
    return this.schema(JSON.parse(JSON.stringify(ErrorBody)));
  }
}

/** The one JSON type all of an enum's values have, or undefined when they differ. */
function enumType(values: unknown[]): string | undefined {
  const types = new Set(
    values.map((v) => (v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v === 'number' ? 'number' : typeof v)),
  );
  if (types.size === 2 && types.has('integer') && types.has('number')) return 'number';
  return types.size === 1 ? [...types][0] : undefined;
}

const isFile = (s: Json) => s.type === 'string' && s.format === 'binary';

/** The document for the routes Elysia generated, refined as the header says. */
export function buildDocument(input: DocumentInput): { document: OpenApiDocument; problems: string[] } {
  const b = new Builder();
  const paths: OpenApiDocument['paths'] = {};
  for (const [path, operations] of Object.entries(input.generated.paths)) {
    for (const [method, generated] of Object.entries(operations)) {
      if (!METHODS.has(method)) continue;
      paths[path] ??= {};
      paths[path][method] = refine(b, input, method, path, generated);
    }
  }
  for (const [path, operations] of Object.entries(input.extraPaths ?? {})) paths[path] = { ...paths[path], ...operations };

  const used = new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags ?? [])));
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: input.info,
    servers: [{ url: '/', description: 'This server' }],
    tags: TAGS.filter((tag) => used.has(tag.name)).map((tag) => ({ name: tag.name, description: tag.description })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(b.schemas).sort(([a], [z]) => a.localeCompare(z))),
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          description: 'The server key (WAHA_API_KEY) or a key made at /api/keys; the x-api-key query parameter works too',
        },
      },
    },
    security: [{ [SECURITY_SCHEME]: [] }],
  };
  return { document, problems: b.problems };
}

function refine(b: Builder, input: DocumentInput, method: string, path: string, generated: Operation): Operation {
  const key = operationKey(method, path);
  const waha = wahaOperation(method, path);
  const declared = input.declared.get(key);
  if (waha && declared && declared !== waha.operationId) {
    b.problems.push(`${method.toUpperCase()} ${path}: the route says operationId ${declared}, WAHA's is ${waha.operationId}`);
  }
  if (!waha && !declared)
    b.problems.push(`${method.toUpperCase()} ${path}: no operationId (WAHA has no such operation, so the route must name one)`);

  const tags = waha ? [waha.tag] : (generated.tags ?? []).map((plain) => fullTagName(plain) ?? plain);
  for (const tag of tags)
    if (!TAGS.some((t) => t.name === tag))
      b.problems.push(`${method.toUpperCase()} ${path}: tag '${tag}' is not one of the document's tags`);

  const { operationId: _generatedId, security: _security, requestBody, responses = {}, parameters, ...rest } = generated;
  const op: Operation = { ...rest, operationId: waha?.operationId ?? declared ?? _generatedId, tags };
  if (waha?.webjs === 'deprecated') op.deprecated = true;
  if (parameters) op.parameters = parameters.map((p) => ({ ...p, schema: b.schema(p.schema) }));
  if (requestBody) op.requestBody = b.requestBody(requestBody, waha?.body || undefined, `${method.toUpperCase()} ${path}`);

  const answers: Record<string, Json> = {};
  for (const [status, response] of Object.entries(responses)) answers[status] = b.response(status, response);
  const open = input.isOpen(path);
  const defaults = [(parameters?.length || requestBody) && '400', '401', /\{session\}/.test(path) && '404'];
  for (const status of defaults) if (typeof status === 'string') answers[status] ??= b.error(status);
  // Open by default, but only as long as WHATSAPP_API_KEY_EXCLUDE_PATH names it.
  if (open)
    answers['401'] = {
      ...answers['401'],
      description: `${STATUS_DESCRIPTIONS['401']}, where WHATSAPP_API_KEY_EXCLUDE_PATH does not open this path`,
    };
  op.responses = Object.fromEntries(Object.entries(answers).sort(([a], [z]) => a.localeCompare(z)));
  if (open) op.security = [];
  return op;
}
