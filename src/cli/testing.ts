import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, expect } from 'vitest';

// Test helpers for CLI tests: the real `homeward` command, each run a child process. On PGlite every node is a temp --data
// directory; with DATABASE_URL every node is a fresh schema on that server (PGOPTIONS search_path).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-cli-'));
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of cleanups) await c().catch(() => {});
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

export interface Node {
  dir: string;
  env: NodeJS.ProcessEnv;
}

export async function newNode(name: string): Promise<Node> {
  const dir = path.join(tmpRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.HOMEWARD_DATA;
  const url = process.env.DATABASE_URL;
  if (!url) {
    delete env.DATABASE_URL;
    return { dir, env };
  }
  const schema = `cli_${name.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA "${schema}" CASCADE`);
    await c.end();
  });
  return { dir, env: { ...env, PGOPTIONS: `-c search_path=${schema}` } };
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function homeward(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/homeward.js', ...args], {
      cwd: repoRoot,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
    });
    child.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** Run against a node; `--data` goes last so it works for every subcommand. */
export const on = (node: Node, args: string[], input?: string) =>
  homeward([...args, '--data', node.dir], { env: node.env, input });

export const ok = (r: Result, what: string) =>
  expect(r.code, `${what}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
