// Regenerates workflows/shared/envelope-types.generated.ts from schema.json so the TypeScript envelope
// types cannot drift from the contract. `npm run gen:types` writes the file; test/unit/envelope-types.test.ts
// fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const schemaPath = fileURLToPath(new URL('../../schema.json', import.meta.url));
export const generatedTypesPath = fileURLToPath(new URL('../../workflows/shared/envelope-types.generated.ts', import.meta.url));

export async function renderEnvelopeTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as JSONSchema & {
    properties: { suite: { enum: string[] }; trigger: { enum: string[] } };
  };
  const body = await compile(schema, 'Envelope', {
    bannerComment: '',
    additionalProperties: false,
    unknownAny: true,
    style: { singleQuote: true },
  });
  const suites = schema.properties.suite.enum;
  const triggers = schema.properties.trigger.enum;
  return [
    '/* Generated from schema.json by activities/envelope/generate-types.ts; do not edit by hand. */',
    body.trimEnd(),
    '',
    `export const SUITES = ${JSON.stringify(suites)} as const;`,
    `export const TRIGGERS = ${JSON.stringify(triggers)} as const;`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(generatedTypesPath, await renderEnvelopeTypes());
  console.log(`wrote ${generatedTypesPath}`);
}
