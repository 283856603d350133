// Test support: what a test file leaves to clean up when it ends (a PostgreSQL schema it created).
// Test files share their worker's loaded modules (vitest.config.ts: isolate false), so a helper
// module cannot register its own afterAll once at import: it registers here, and the database
// tests' setup file (src/app/test-setup.ts) runs these after every file.
const pending: (() => Promise<void>)[] = [];

/** Run `fn` when the current test file ends. */
export function atFileEnd(fn: () => Promise<void>): void {
  pending.push(fn);
}

/** Run and forget what the ending file registered; a failed clean-up does not fail the file. */
export async function runFileEnd(): Promise<void> {
  for (const fn of pending.splice(0)) await fn().catch(() => {});
}
