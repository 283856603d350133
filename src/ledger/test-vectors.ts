/**
 * Test support: reads the transparency-log vectors in testdata/tlog (copied with their origin and
 * licences, see its README.md) so that every test checks the very files independent verifiers agreed on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TLOG_TESTDATA = fileURLToPath(new URL('../../testdata/tlog/', import.meta.url));

export function readVector<T = unknown>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(TLOG_TESTDATA, relative), 'utf8')) as T;
}

/** Every .json file under a vector directory, as paths relative to TLOG_TESTDATA, sorted. */
export function listVectors(relativeDir: string): string[] {
  const root = path.join(TLOG_TESTDATA, relativeDir);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) out.push(path.relative(TLOG_TESTDATA, full));
    }
  };
  walk(root);
  return out.sort();
}

export function b64(text: string): Uint8Array {
  // The probes deliberately hold empty and odd-length "hashes"; Buffer decodes them as given.
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}
