/**
 * The one error path: every failure, wherever it happens (the edge, a hook, a schema, a route, a
 * service, WhatsApp Web), is answered as `{statusCode, error, message, details?, requestId?}`.
 * A 5xx that is not one of ours (an unexpected exception) is logged with its stack and answered
 * with the request id only.
 */
import { Elysia } from 'elysia';
import { HttpError, reasonPhrase } from '../errors';
import type { Logger } from '../log';
import { pathOf, requestTarget } from './host';
import { requestIdOf } from './request-id';

/** The JSON error body for `status`; `fields` go beside the shape (never over its own keys). */
export function errorBody(
  status: number,
  message: string,
  details?: Record<string, unknown>,
  requestId?: string,
  fields?: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...fields, statusCode: status, error: reasonPhrase(status), message };
  if (details) body.details = details;
  if (requestId && status >= 500) body.requestId = requestId;
  return body;
}

/** The error body as a Response (the edge's answers, before Elysia runs). */
export function errorResponse(
  status: number,
  message: string,
  details?: Record<string, unknown>,
  requestId?: string,
  fields?: Record<string, unknown>,
): Response {
  return Response.json(errorBody(status, message, details, requestId, fields), { status });
}

type ValidationItem = { path?: string; schema?: { error?: unknown }; errors?: Iterable<ValidationItem>[] };

/**
 * A union's own error ("Expected union value", e.g. every `nullable` field) hides why its
 * branches failed: the deepest branch error (with its schema's own `error` text) says more.
 */
function specific<T>(e: T): T {
  let best = e as ValidationItem;
  for (const branch of (e as ValidationItem | undefined)?.errors ?? []) {
    for (const inner of branch) {
      const d = specific(inner);
      if ((d.path?.length ?? 0) > (best.path?.length ?? 0)) best = d;
    }
  }
  return best as T;
}

/** The query parameter whose value (or list of values) is `value`, if one is. */
function queryFieldOf(url: string, value: unknown): string | undefined {
  const at = url.indexOf('?');
  if (at === -1) return undefined;
  const params = new URLSearchParams(url.slice(at + 1));
  const wanted = JSON.stringify(Array.isArray(value) ? value.map(String) : [String(value)]);
  for (const key of new Set(params.keys())) if (JSON.stringify(params.getAll(key)) === wanted) return key;
  return undefined;
}

/** Maps every error to the one shape; the only `onError` of the app. */
export const errorHandler = (log: Logger) =>
  new Elysia({ name: 'wabun/errors' }).onError({ as: 'global' }, ({ code, error, request, set }) => {
    const id = requestIdOf(request);
    let status = 500;
    let message = `Unexpected error. Quote request id ${id} when reporting it.`;
    let details: Record<string, unknown> | undefined;
    let fields: Record<string, unknown> | undefined;

    if (error instanceof HttpError) {
      status = error.status;
      message = error.message;
      details = error.details;
      fields = error.fields;
    } else if (code === 'PARSE') {
      status = 400;
      message = 'The request body is not valid JSON (or does not match its Content-Type).';
    } else if (code === 'VALIDATION' && error.type === 'response') {
      // Our answer did not match its own schema: our bug, not the client's.
      log.error('response does not match its schema', { requestId: id, path: pathOf(requestTarget(request.url)), error: error.message });
    } else if (code === 'VALIDATION') {
      status = 400;
      // A value Elysia had to decode (a query array) fails as TypeBox's decode error: one item, no `all`, no `type`.
      const decode = error as unknown as { all?: unknown; error?: ValidationItem & { message?: string }; value?: unknown };
      const all = (Array.isArray(decode.all) ? decode.all : decode.error ? [decode.error] : []) as (ValidationItem & {
        path: string;
        summary?: string;
        message?: string;
      })[];
      const first = all[0] && specific(all[0]);
      const decoded = !Array.isArray(decode.all);
      // The decode error knows the value, not the field: the query parameter holding that value is it.
      const queryField = decoded ? queryFieldOf(request.url, decode.value) : undefined;
      const field = decoded ? (queryField ?? '') : first?.path ? first.path.replace(/^\//, '').replaceAll('/', '.') : '';
      const where = error.type ?? (queryField ? 'query' : 'request');
      // A schema's own `error` text (e.g. how a session name must look) says more than TypeBox's.
      const custom = typeof first?.schema?.error === 'string' ? first.schema.error : undefined;
      const value = decoded ? ` (got ${JSON.stringify(decode.value)})`.slice(0, 120) : '';
      message = `Invalid ${where}${field ? ` field '${field}'` : ''}: ${custom ?? first?.summary ?? first?.message ?? 'does not match the schema'}${value}`;
      details = {
        in: where,
        field: field || null,
        errors: all.slice(0, 20).map((e) => ({ path: e.path ?? '', message: e.summary ?? e.message })),
      };
    } else if (code === 'NOT_FOUND') {
      status = 404;
      message = `No route ${request.method} ${pathOf(requestTarget(request.url))}. The API is listed at /docs.`;
    } else {
      log.error('unhandled error', {
        requestId: id,
        code,
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
    }
    set.status = status;
    set.headers['content-type'] = 'application/json';
    return errorBody(status, message, details, id, fields);
  });
