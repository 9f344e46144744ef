// The page GET /docs serves: the OpenAPI document rendered as one self-contained HTML page, with
// its own style sheet and content security policy: no CDN, no script, works offline.
import type { JsonSchema, OpenApiDocument } from './document.js';

/** No script at all, no outside origin: the page cannot load anything from elsewhere. */
export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const inline = (text: string) => esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The little markdown the descriptions use: paragraphs and `code`. */
function prose(text: string | undefined): string {
  if (!text) return '';
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${inline(p)}</p>`)
    .join('');
}

function refName(schema: JsonSchema): string | undefined {
  const r = schema.$ref;
  return typeof r === 'string' ? r.split('/').pop() : undefined;
}

/** A one-line type: `string`, `number ≥ 0`, `"a" | "b"`, `array of X`, `→ Name`. */
function typeOf(schema: JsonSchema): string {
  const name = refName(schema);
  if (name) return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  if (Array.isArray(schema.enum))
    return schema.enum.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(' | ');
  if (schema.const !== undefined) return `<code>${esc(JSON.stringify(schema.const))}</code>`;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) return (list as JsonSchema[]).map(typeOf).join(' | ');
  }
  if (schema.type === 'array') return `array of ${typeOf((schema.items ?? {}) as JsonSchema)}`;
  const bounds = [
    schema.minimum !== undefined ? `≥ ${String(schema.minimum)}` : '',
    schema.maximum !== undefined ? `≤ ${String(schema.maximum)}` : '',
    schema.maxLength !== undefined ? `≤ ${String(schema.maxLength)} chars` : '',
  ].filter(Boolean);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'any');
  return esc([type, ...bounds].join(' '));
}

function fieldsTable(schema: JsonSchema): string {
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  const alternatives = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (!props && alternatives?.every((a) => a.properties)) {
    return alternatives.map(fieldsTable).join('<p class="in">or</p>');
  }
  if (!props) return `<p class="type">${typeOf(schema)}</p>`;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(([name, prop]) => {
    const nested = prop.type === 'object' && prop.properties ? fieldsTable(prop) : '';
    const items = prop.items as JsonSchema | undefined;
    const nestedItems = prop.type === 'array' && items?.properties ? fieldsTable(items) : '';
    const dflt =
      prop.default !== undefined
        ? ` <span class="default">default <code>${esc(JSON.stringify(prop.default))}</code></span>`
        : '';
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${typeOf(prop)}${dflt}${prose(prop.description as string | undefined)}${nested}${nestedItems}</td></tr>`;
  });
  return `<table class="fields"><tbody>${rows.join('')}</tbody></table>`;
}

function parametersTable(params: JsonSchema[]): string {
  const rows = params.map((p) => {
    const schema = (p.schema ?? {}) as JsonSchema;
    const dflt =
      schema.default !== undefined
        ? ` <span class="default">default <code>${esc(JSON.stringify(schema.default))}</code></span>`
        : '';
    return `<tr><td><code>${esc(String(p.name))}</code> <span class="in">${esc(String(p.in))}</span>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${typeOf(schema)}${dflt}${prose(p.description as string | undefined)}</td></tr>`;
  });
  return `<h4>Parameters</h4><table class="fields"><tbody>${rows.join('')}</tbody></table>`;
}

function operationHtml(
  path: string,
  method: string,
  op: JsonSchema,
  components: Record<string, JsonSchema>,
): string {
  const id = esc(String(op.operationId));
  const params =
    Array.isArray(op.parameters) && op.parameters.length
      ? parametersTable(op.parameters as JsonSchema[])
      : '';
  const bodyContent = (
    op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined
  )?.content;
  const body = bodyContent
    ? Object.entries(bodyContent)
        .map(
          ([type, m]) =>
            `<h4>Request body <span class="in">${esc(type)}</span> ${typeOf(m.schema)}</h4>${fieldsTable(components[refName(m.schema) ?? ''] ?? m.schema)}`,
        )
        .join('')
    : '';
  const responses = Object.entries(op.responses as Record<string, JsonSchema>).map(
    ([status, r]) => {
      const content = Object.entries((r.content ?? {}) as Record<string, { schema?: JsonSchema }>)
        .map(
          ([type, m]) =>
            ` <span class="in">${esc(type)}</span>${m.schema ? ` ${typeOf(m.schema)}` : ''}`,
        )
        .join('');
      return `<li><span class="status s${status[0] ?? ''}">${esc(status)}</span> ${inline(String(r.description))}${content}</li>`;
    },
  );
  return `<section class="op" id="op-${id}"><h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code> <small>${esc(String(op.summary ?? ''))}</small></h3>${prose(op.description as string | undefined)}${params}${body}<h4>Responses</h4><ul class="responses">${responses.join('')}</ul></section>`;
}

export function renderDocs(doc: OpenApiDocument): string {
  const ops: Array<{ tag: string; html: string; path: string; method: string; id: string }> = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        tag: (op.tags as string[])[0] ?? '',
        html: operationHtml(path, method, op, doc.components.schemas),
        path,
        method,
        id: String(op.operationId),
      });
    }
  }
  const toc = doc.tags
    .map(
      (t) =>
        `<li><b>${esc(t.name)}</b><ul>${ops
          .filter((o) => o.tag === t.name)
          .map(
            (o) =>
              `<li><a href="#op-${esc(o.id)}"><span class="method ${o.method}">${o.method.toUpperCase()}</span> ${esc(o.path)}</a></li>`,
          )
          .join('')}</ul></li>`,
    )
    .join('');
  const sections = doc.tags
    .map(
      (t) =>
        `<h2 id="tag-${esc(t.name)}">${esc(t.name)}</h2><p>${esc(t.description)}</p>${ops
          .filter((o) => o.tag === t.name)
          .map((o) => o.html)
          .join('')}`,
    )
    .join('');
  const schemas = Object.entries(doc.components.schemas)
    .map(
      ([name, s]) =>
        `<section class="schema" id="schema-${esc(name)}"><h3>${esc(name)}</h3>${prose(s.description as string | undefined)}${fieldsTable(s)}</section>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${esc(doc.info.title)} — API</title><style>${DOCS_CSS}</style></head><body><nav><h1>${esc(doc.info.title)}</h1><p>OpenAPI ${esc(doc.openapi)} · v${esc(doc.info.version)} · <a href="/openapi.json">openapi.json</a> · <a href="/">playground</a></p><ul class="toc">${toc}<li><a href="#schemas"><b>schemas</b></a></li></ul></nav><main>${prose(doc.info.description)}${sections}<h2 id="schemas">Schemas</h2>${schemas}</main></body></html>`;
}

const DOCS_CSS = `body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1d2330;display:flex}nav{position:sticky;top:0;height:100vh;overflow:auto;width:300px;flex:none;background:#f4f5f8;padding:1rem;box-sizing:border-box;font-size:13px}nav h1{font-size:18px;margin:0 0 .5rem}.toc,.toc ul{list-style:none;padding-left:.5rem}main{padding:1rem 2rem;max-width:960px}h2{border-bottom:2px solid #dde;text-transform:capitalize}.op,.schema{border:1px solid #dde;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}.op h3{font-size:16px;margin:.3rem 0}.op small{color:#556;font-weight:normal}.method{display:inline-block;min-width:3.5em;text-align:center;border-radius:4px;color:#fff;font:bold 11px monospace;padding:2px 4px}.get{background:#2b7bd0}.post{background:#2e9a55}.delete{background:#c8412c}code{background:#eef0f5;padding:0 3px;border-radius:3px}table.fields{border-collapse:collapse;width:100%}.fields td{border-top:1px solid #eee;padding:4px 8px;vertical-align:top}.fields td:first-child{width:13em}.fields td p{margin:.2rem 0;color:#445}.req{color:#c8412c;font-size:11px}.in,.default{color:#667;font-size:12px}.status{font:bold 13px monospace}.s2,.s1{color:#2e9a55}.s4{color:#c8412c}.s5{color:#a60}a{color:#2b5fb0}`;
