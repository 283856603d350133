// CLI input files get the same hygiene as HTTP bodies: an agreement file carrying a control character
// is refused naming the field (never the value) and nothing is proposed. Synthetic data only.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newNode, ok, on } from './testing.ts';

describe('homeward agreement propose FILE', () => {
  it('refuses a file with a NUL byte in a field, naming the field and not the value', async () => {
    const node = await newNode('agreement-input');
    ok(await on(node, ['init', '--name', 'hygiene-cli.example']), 'init');
    const file = path.join(node.dir, 'agreement.json');
    fs.writeFileSync(file, JSON.stringify({ title: 'qzagreementmark\u0000', parties: [] }));
    const r = await on(node, ['agreement', 'propose', file, '--exchange', 'x-hygiene']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('title contains control characters');
    expect(r.stderr).not.toContain('qzagreementmark');
    const status = await on(node, ['agreement', 'status', '--exchange', 'x-hygiene']);
    expect(status.code).not.toBe(0);
  }, 120_000);
});
