import { z } from 'zod';
import * as api from '../shared/api.ts';
import type { Operation } from './openapi-operations.ts';
import { accessOf, type Route } from './routes/table.ts';

// The OpenAPI 3.1 document, generated from the route table the router is built from (each route's
// own zod schemas), so the description cannot drift from the behaviour; the proxy endpoints,
// served before Koa, are described in openapi-operations.ts.

type Json = Record<string, unknown>;

// Converts one schema; named sub-schemas ($defs) are hoisted into components.schemas.
function converter(components: Record<string, unknown>) {
  return (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    const text = JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/');
    const { $schema: _schema, $defs, ...rest } = JSON.parse(text) as Json & { $defs?: Json };
    for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= def;
    return rest;
  };
}

function parameters(
  where: 'query' | 'path',
  schema: z.ZodObject | undefined,
  convert: ReturnType<typeof converter>,
) {
  if (!schema) return [];
  const json = convert(schema, 'input') as { properties?: Json; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/** What the document says of a route: everything comes from its table entry. */
export function operationOf(r: Route): Operation {
  return {
    method: r.method,
    path: r.path,
    tag: r.tag,
    summary: r.summary,
    access: accessOf(r),
    body: r.input?.body,
    query: r.input?.query,
    params: r.input?.params,
    ok: r.output,
  };
}

export interface DocumentOptions {
  basePath: string;
  routes: readonly Route[];
  /** Endpoints served outside the route table (the validation plane's proxy endpoints). */
  others?: readonly Operation[];
  version?: string;
}

export function openApiDocument(options: DocumentOptions): Json {
  const components: Record<string, unknown> = {};
  const convert = converter(components);
  const paths: Record<string, Json> = {};
  const error = {
    description: 'Error',
    content: { 'application/json': { schema: convert(api.ErrorBody, 'output') } },
  };
  for (const op of [...options.routes.map(operationOf), ...(options.others ?? [])]) {
    const ok = op.ok.schema
      ? {
          description: op.ok.description,
          content: { [op.ok.contentType ?? 'application/json']: { schema: convert(op.ok.schema, 'output') } },
        }
      : {
          description: op.ok.description,
          ...(op.ok.contentType ? { content: { [op.ok.contentType]: {} } } : {}),
        };
    paths[op.path] ??= {};
    (paths[op.path] as Json)[op.method] = {
      tags: [op.tag],
      summary: op.summary,
      description: `Access: ${op.access}.`,
      parameters: [
        ...parameters('path', op.params, convert),
        ...parameters('query', op.query, convert),
        ...(op.headers ?? []).map((name) => ({
          name,
          in: 'header',
          required: false,
          schema: { type: 'string' },
        })),
      ],
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: convert(op.body, 'input') } },
            },
          }
        : {}),
      responses: { [String(op.ok.status)]: ok, '4XX': error, '5XX': error },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'api-token-auth companion API',
      version: options.version ?? '1',
      description:
        "Personal API tokens for Jira and Confluence. Callers are identified by the site (session cookie) or by one of their own API tokens (Basic username:token or Bearer). Mutating requests need Content-Type: application/json; an Origin header, when present, must be the site's origin.",
    },
    servers: [{ url: options.basePath || '/' }],
    paths,
    components: { schemas: components },
  };
}
