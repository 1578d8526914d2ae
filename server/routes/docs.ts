import { type Route, route } from './table.ts';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

type Json = Record<string, unknown>;

// A schema as indented JSON, with each reference turned into a link to its definition below.
const schemaHtml = (schema: unknown) =>
  escapeHtml(JSON.stringify(schema, null, 2)).replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_-]+)&quot;/g,
    '<a href="#$1">&quot;#/components/schemas/$1&quot;</a>',
  );

const SCRIPT_EXAMPLE = `# Create a token in the user menu ("API Token Authentication"), then:
curl -u alice:ata_… https://jira.example.com/rest/api/2/myself

# Manage your own tokens from a script with one of them:
curl -u alice:ata_… https://jira.example.com/api-token-auth/api/v1/tokens
curl -u alice:ata_… -X POST -H 'Content-Type: application/json' \\
     -d '{"name":"nightly build","validity":"P6M"}' \\
     https://jira.example.com/api-token-auth/api/v1/tokens`;

type Entry = {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
};

// One operation of the document; its success answer is the first response listed.
function operationHtml(path: string, method: string, entry: Entry): string {
  const requestBody = entry.requestBody?.content?.['application/json']?.schema;
  const params = entry.parameters ?? [];
  const paramList = params.length
    ? `<p>Parameters: ${params.map((p) => `<code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''})`).join(', ')}</p>`
    : '';
  const body = requestBody
    ? `<details><summary>Request body</summary><pre>${schemaHtml(requestBody)}</pre></details>`
    : '';
  const [status, ok] = Object.entries(entry.responses ?? {})[0] ?? ['200', {}];
  const okSchema = ok.content?.['application/json']?.schema;
  const response = okSchema
    ? `<details><summary>Response ${status}</summary><pre>${schemaHtml(okSchema)}</pre></details>`
    : `<p>Response ${status}: ${escapeHtml(ok.description ?? '')}</p>`;
  return `<section><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3><p>${escapeHtml(entry.summary ?? '')}. <em>${escapeHtml(entry.description ?? '')}</em></p>${paramList}${body}${response}</section>`;
}

// A self-contained page (no scripts, no remote assets) rendering each operation of the document.
function renderDocs(doc: Json): string {
  const paths = doc.paths as Record<string, Record<string, Entry>>;
  const sections = Object.entries(paths)
    .flatMap(([path, methods]) => Object.entries(methods).map(([m, entry]) => operationHtml(path, m, entry)))
    .join('\n');
  const schemas = Object.entries((doc.components as { schemas: Json }).schemas)
    .map(([id, s]) => `<h3 id="${escapeHtml(id)}">${escapeHtml(id)}</h3><pre>${schemaHtml(s)}</pre>`)
    .join('\n');
  const info = doc.info as { title: string; description: string };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<style>body{font:14px/1.5 -apple-system,system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#172b4d}
section{border-top:1px solid #dfe1e6;padding:.5em 0}pre{background:#f4f5f7;padding:.5em;overflow:auto}
.m{display:inline-block;min-width:4em;font-size:12px;color:#fff;padding:2px 6px;border-radius:3px;text-align:center}
.get{background:#0052cc}.post{background:#00875a}.put{background:#ff8b00}.delete{background:#de350b}</style></head>
<body><h1>${escapeHtml(info.title)}</h1><p>${escapeHtml(info.description)}</p>
<p>Errors: <code>{"error":{"code","message"}}</code>. Machine-readable: <a href="openapi.json">openapi.json</a>.</p>
<h2>From a script</h2><pre>${escapeHtml(SCRIPT_EXAMPLE)}</pre>
<h2>Operations</h2>${sections}<h2>Schemas</h2>${schemas}</body></html>`;
}

// Documentation is public: it describes the API, not anyone's data. Both answers are the
// document generated from the route table (server/routes/index.ts).
export const docsRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/openapi.json',
    guard: 'public',
    tag: 'Documentation',
    summary: 'This document',
    output: { status: 200, description: 'OpenAPI 3.1', contentType: 'application/json' },
    handler({ ctx, document }) {
      ctx.body = document;
      return undefined;
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/docs',
    guard: 'public',
    tag: 'Documentation',
    summary: 'Readable documentation of this API',
    output: { status: 200, description: 'HTML', contentType: 'text/html' },
    handler({ ctx, document }) {
      ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = renderDocs(document);
      return undefined;
    },
  }),
];
