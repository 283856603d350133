/**
 * Queries in parallel: worker threads that share one index's arrays (SharedArrayBuffer) and each
 * answer a slice of a batch. Worth it for batches (a counterpart list, a benchmark); a single query
 * is faster in the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { DuplicatePair, MatchCandidate, MatchIndex, MatchRecord } from './engine.ts';

interface Reply {
  id: number;
  results?: unknown;
  error?: string;
}

const ENTRY = new URL('./pool-worker.ts', import.meta.url).href;

// The worker runs TypeScript through the same loader as the CLI when the sources are .ts.
const BOOT = `
const { workerData } = require('node:worker_threads');
(workerData.tsx ? import(workerData.tsx).then((m) => m.register()) : Promise.resolve())
  .then(() => import(workerData.entry));
`;

export class MatchPool {
  private readonly workers: Worker[];
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private readonly size: number;

  private constructor(workers: Worker[], size: number) {
    this.workers = workers;
    this.size = size;
    for (const w of workers) {
      w.on('message', (m: Reply) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.results);
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
    }
  }

  /** Start `size` workers on a copy of the index's string tables and its shared arrays. */
  static async start(index: MatchIndex, size: number): Promise<MatchPool> {
    const data = index.share();
    const tsx = ENTRY.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : null;
    const workers = Array.from(
      { length: size },
      () => new Worker(BOOT, { eval: true, workerData: { tsx, entry: ENTRY, data } }),
    );
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
          }),
      ),
    );
    return new MatchPool(workers, index.size);
  }

  private run<T>(k: number, job: object): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.workers[k % this.workers.length]!.postMessage({ id, ...job });
    });
  }

  /** Search every query; results in query order. */
  async searchMany(queries: readonly MatchRecord[], limit = 10): Promise<MatchCandidate[][]> {
    const chunk = Math.max(1, Math.min(256, Math.ceil(queries.length / this.workers.length)));
    const parts: Promise<MatchCandidate[][]>[] = [];
    for (let from = 0, k = 0; from < queries.length; from += chunk, k++)
      parts.push(this.run(k, { kind: 'search', queries: queries.slice(from, from + chunk), limit }));
    return (await Promise.all(parts)).flat();
  }

  /** `MatchIndex.dedup` over the whole index, in slices across the workers. */
  async dedup(limitPerRecord = 10, slice = 5000, explain = true): Promise<DuplicatePair[]> {
    const parts: Promise<DuplicatePair[]>[] = [];
    for (let from = 0, k = 0; from < this.size; from += slice, k++)
      parts.push(this.run(k, { kind: 'dedup', from, to: from + slice, limit: limitPerRecord, explain }));
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
