// The web client's types (web/src/api.gen.ts) are generated from the served OpenAPI document with
// openapi-typescript: `npm run gen:api` writes them, src/http/api.int.test.ts fails when the
// committed file differs from what the running server's document generates.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

export const GENERATED_CLIENT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'web',
  'src',
  'api.gen.ts',
);

const HEADER = `// Generated from the server's OpenAPI document (GET /api/openapi.json) by openapi-typescript.
// Do not edit: \`npm run gen:api\` rewrites it, and a test fails when it is stale.
`;

/** The TypeScript text of web/src/api.gen.ts for an OpenAPI document. */
export async function generateClientTypes(document: unknown): Promise<string> {
  // A copy: openapi-typescript annotates the object it is given.
  const ast = await openapiTS(structuredClone(document) as Parameters<typeof openapiTS>[0], {
    alphabetize: true,
    exportType: true,
    // File uploads: the browser sends a File (a Blob), not a string.
    transform: (schema) =>
      schema.format === 'binary'
        ? ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Blob'))
        : undefined,
  });
  return `${HEADER}\n${astToString(ast)}`;
}

export function readGeneratedClient(): string | undefined {
  return fs.existsSync(GENERATED_CLIENT) ? fs.readFileSync(GENERATED_CLIENT, 'utf8') : undefined;
}
