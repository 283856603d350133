import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { atFileEnd } from '../db/test-cleanups.ts';
import { type Io, withIo } from './io.ts';
import { buildCli } from './main.ts';

// Test helpers for CLI tests: the `homeward` command run in-process (`homeward`, `on`) with its own
// captured stdout, stderr, stdin, environment and exit code, or as the real program in a child
// process (`spawnHomeward`, for a few smoke tests of bin/homeward.js). On PGlite every node is a temp
// --data directory; with DATABASE_URL every node is a fresh schema on that server (passed to the
// in-process run; PGOPTIONS search_path for a child process).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The files of a worker share this module (isolate: false): the temp root lives as long as the
// worker, and each node's schema is dropped when its file ends (src/db/test-cleanups.ts).
export const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-cli-'));
process.once('exit', () => fs.rmSync(tmpRoot, { recursive: true, force: true }));

let nodes = 0;

export interface Node {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The node's PostgreSQL schema (with DATABASE_URL). */
  schema?: string | undefined;
}

/**
 * A node for CLI tests. On PGlite its --data directory starts as a copy of the run's migrated
 * template (src/db/test-template.ts), as `homeward init` would leave it before creating the node
 * identity, unless `fresh`: then the first command creates the cluster itself.
 */
export async function newNode(name: string, opts: { fresh?: boolean } = {}): Promise<Node> {
  const dir = path.join(tmpRoot, `${name}-${++nodes}`);
  fs.mkdirSync(dir, { recursive: true });
  const template = inject('homewardPgliteDir');
  if (template && !opts.fresh && !process.env.DATABASE_URL) {
    fs.cpSync(template, path.join(dir, 'pgdata'), { recursive: true });
  }
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.HOMEWARD_DATA;
  delete env.HOMEWARD_KEY_FILE;
  delete env.HOMEWARD_KEY_PASSPHRASE;
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
  atFileEnd(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA "${schema}" CASCADE`);
    await c.end();
  });
  // A PostgreSQL node names its key file (an embedded node's is DIR/node-key).
  return {
    dir,
    env: { ...env, PGOPTIONS: `-c search_path=${schema}`, HOMEWARD_KEY_FILE: path.join(dir, 'node-key') },
    schema,
  };
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv | undefined;
  /** Standard input (none when undefined). */
  input?: string | undefined;
  /** PostgreSQL schema of the node (in-process; a child process takes PGOPTIONS from env). */
  schema?: string | undefined;
}

/**
 * Run `homeward ARGS` in this process, as the program would: commander's usage errors and --help
 * give their exit codes instead of exiting, every write goes to this call's stdout/stderr, and the
 * exit code is what the program would exit with.
 */
export async function homeward(args: string[], opts: RunOptions = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const text = (c: string | Uint8Array) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
  const io: Io = {
    stdout: {
      write: (c) => {
        stdout += text(c);
        return true;
      },
    },
    stderr: {
      write: (c) => {
        stderr += text(c);
        return true;
      },
    },
    stdin: Readable.from(opts.input === undefined ? [] : [Buffer.from(opts.input, 'utf8')]),
    env: opts.env ?? process.env,
    schema: opts.schema,
    exitCode: undefined,
  };
  await withIo(io, async () => {
    try {
      await buildCli({ exitOverride: true }).parseAsync(args, { from: 'user' });
    } catch (e) {
      if (e instanceof CommanderError) {
        io.exitCode = e.exitCode;
      } else {
        // What Node prints for an uncaught error, and its exit code.
        io.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
        io.exitCode = 1;
      }
    }
  });
  return { code: io.exitCode ?? 0, stdout, stderr };
}

/** Run the real program, `node bin/homeward.js ARGS`, in a child process. */
export function spawnHomeward(args: string[], opts: RunOptions = {}): Promise<Result> {
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

/** Run against a node (in-process); `--data` goes last so it works for every subcommand. */
export const on = (node: Node, args: string[], input?: string) =>
  homeward([...args, '--data', node.dir], { env: node.env, input, schema: node.schema });

/** Run `fn` (a command's own functions, called directly) as a command on `node`: its env and schema. */
export function asCommandOn<T>(node: Node, fn: () => Promise<T>): Promise<T> {
  const io: Io = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: Readable.from([]),
    env: node.env,
    schema: node.schema,
    exitCode: undefined,
  };
  return withIo(io, fn);
}

/** The same, as the real program in a child process. */
export const spawnOn = (node: Node, args: string[], input?: string) =>
  spawnHomeward([...args, '--data', node.dir], { env: node.env, input });

export const ok = (r: Result, what: string) =>
  expect(r.code, `${what}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
