import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a CLI call reads and writes: the process's streams and environment when `homeward` runs as
 * a program, or captured ones when a test runs the CLI in-process (`runCli` in testing.ts). Commands
 * write through `io()` rather than `process.*`, so several in-process runs never mix their output.
 */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** PostgreSQL schema the node lives in (in-process tests); unset: the server's search_path. */
  readonly schema?: string | undefined;
  /** The exit code of the call (process.exitCode for the program). */
  exitCode: number | undefined;
}

export interface Output {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

const processIo: Io = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  get stdin() {
    return process.stdin;
  },
  get env() {
    return process.env;
  },
  get exitCode() {
    return typeof process.exitCode === 'number' ? process.exitCode : undefined;
  },
  set exitCode(code: number | undefined) {
    process.exitCode = code;
  },
};

const current = new AsyncLocalStorage<Io>();

/** The streams and environment of the running CLI call. */
export const io = (): Io => current.getStore() ?? processIo;

/** Run `fn` with `target` as the CLI's streams and environment (in-process runs). */
export function withIo<T>(target: Io, fn: () => Promise<T>): Promise<T> {
  return current.run(target, fn);
}
