// Writes the protocol's one JSON Schema (schema.ts driverProtocolJsonSchema) to
// driver-protocol/driver-protocol.schema.json, the file a third party reads or feeds to its own
// validator; test/driver-protocol/schema.test.ts fails when the file drifts from schema.ts.
// Run: npx tsx driver-protocol/write-schema.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { driverProtocolJsonSchema } from './schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('./driver-protocol.schema.json', import.meta.url));

export function schemaFileText(): string {
  return JSON.stringify(driverProtocolJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, schemaFileText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
