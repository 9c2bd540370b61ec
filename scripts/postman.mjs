// The Postman collection of the API, generated from the committed spec: `make postman` writes it,
// `make postman-check` (CI) regenerates it into a temporary directory and fails on any difference.
//
//   node scripts/postman.mjs openapi/v1.json clients/postman/telemedical-api.postman_collection.json
//
// openapi-to-postmanv2 (pinned in package.json) converts; this script makes its output deterministic and
// usable as it stands:
// - the converter fills values the spec gives no example for from Math.random (json-schema-faker) and
//   gives every item a random uuid: Math.random is seeded and the clock fixed here (its dates are "now"
//   minus a random span), the uuids are dropped (Postman assigns its
//   own on import; they are optional in the v2.1 format);
// - authorisation is set once on the collection: OAuth 2.0 client credentials against
//   {{baseUrl}}/oauth/token with {{clientId}} and {{clientSecret}}; operations inherit it, those the spec
//   marks public (health checks) send none;
// - every Idempotency-Key is {{$guid}}, a fresh UUID per send; If-Match / If-None-Match are {{etag}};
//   optional parameters are listed but off; request bodies are the spec's examples;
// - each request keeps its success examples; the error examples (the same Problem schema filled with
//   placeholders for every status) are dropped: the problem codes are documented at /problems.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const [specPath, outPath] = process.argv.slice(2);
if (!specPath || !outPath) {
  console.error("usage: node scripts/postman.mjs SPEC OUT");
  process.exit(2);
}

// mulberry32: a small seeded generator, so the same spec always gives the same collection.
let state = 0x7e1e3ed;
Math.random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
// json-schema-faker's dates are "now" minus a random span: "now" is fixed too.
const FIXED_NOW = Date.UTC(2026, 0, 1);
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...args) {
    super(...(args.length ? args : [FIXED_NOW]));
  }
  static now() {
    return FIXED_NOW;
  }
};
const require = createRequire(import.meta.url);
const Converter = require("openapi-to-postmanv2");

const OPTIONS = {
  folderStrategy: "Tags",
  parametersResolution: "Example",
  requestNameSource: "Fallback",
  indentCharacter: "Space",
};

const spec = readFileSync(specPath, "utf8");
const result = await new Promise((resolve, reject) =>
  Converter.convertV2({ type: "string", data: spec }, OPTIONS, (error, converted) =>
    error ? reject(error) : resolve(converted),
  ),
);
if (!result.result) {
  console.error(`openapi-to-postmanv2 could not convert ${specPath}: ${result.reason}`);
  process.exit(1);
}
const collection = result.output[0].data;

function withoutIds(value) {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "id" && key !== "_postman_id")
        .map(([key, inner]) => [key, withoutIds(inner)]),
    );
  }
  return value;
}

// The converter sends every parameter; an optional one stays listed but off (a filter of "<string>" finds
// nothing): on are the required ones (described "(Required) …") and the Idempotency-Key.
function required(parameter) {
  const description = parameter.description;
  const text = typeof description === "string" ? description : (description && description.content) || "";
  return text.startsWith("(Required)");
}

function fixRequest(request) {
  // The converter copies each operation's oauth2 scheme (with the authorization-code flow's URLs, relative)
  // onto it, and null onto those the spec marks public (security: []): these send no auth, the others
  // inherit the collection's.
  if (request.auth === null || request.auth === undefined) request.auth = { type: "noauth" };
  else delete request.auth;
  request.header = (request.header || [])
    .filter((header) => header.key.toLowerCase() !== "authorization")
    .map((header) => {
      const name = header.key.toLowerCase();
      if (name === "idempotency-key") return { ...header, value: "{{$guid}}" };
      if (name === "if-match" || name === "if-none-match") header = { ...header, value: "{{etag}}" };
      return "disabled" in header ? { ...header, disabled: !required(header) } : header;
    });
  request.url.query = (request.url.query || []).map((query) => ({ ...query, disabled: !required(query) }));
}

function fixItems(items) {
  for (const item of items) {
    if (item.item) {
      fixItems(item.item);
      continue;
    }
    fixRequest(item.request);
    item.response = (item.response || [])
      .filter((response) => response.code >= 200 && response.code < 300)
      .map(({ originalRequest, ...response }) => response);
  }
}

fixItems(collection.item);
collection.auth = {
  type: "oauth2",
  oauth2: [
    { key: "grant_type", value: "client_credentials", type: "string" },
    { key: "accessTokenUrl", value: "{{baseUrl}}/oauth/token", type: "string" },
    { key: "clientId", value: "{{clientId}}", type: "string" },
    { key: "clientSecret", value: "{{clientSecret}}", type: "string" },
    { key: "client_authentication", value: "header", type: "string" },
    { key: "addTokenTo", value: "header", type: "string" },
    { key: "tokenName", value: "Telemedical API", type: "string" },
  ],
};
const baseUrl = (collection.variable || []).find((variable) => variable.key === "baseUrl");
collection.variable = [
  {
    key: "baseUrl",
    value: baseUrl ? baseUrl.value : "http://127.0.0.1:8000",
    description: "The server: http://127.0.0.1:8000 for make run, or your deployment's ISSUER.",
  },
  { key: "clientId", value: "cli_demo_portal", description: "Your OAuth client id (the demo portal's here)." },
  {
    key: "etag",
    value: "",
    description: "The ETag of the resource's last GET, for If-Match (updates) and If-None-Match.",
  },
  {
    key: "clientSecret",
    value: "demo-portal-secret",
    description: "Your OAuth client secret (the demo portal's here: keep a real one in an environment).",
  },
];
writeFileSync(outPath, `${JSON.stringify(withoutIds(collection), null, 2)}\n`);
