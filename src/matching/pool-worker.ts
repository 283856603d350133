/** A MatchPool worker: rebuilds the index from shared data, then answers batches of queries. */
import { parentPort, workerData } from 'node:worker_threads';
import { MatchIndex, type MatchIndexData, type MatchRecord } from './engine.ts';

type Job =
  | { id: number; kind: 'search'; queries: MatchRecord[]; limit: number }
  | { id: number; kind: 'dedup'; from: number; to: number; limit: number; explain: boolean };

const index = MatchIndex.fromData((workerData as { data: MatchIndexData }).data);
parentPort!.on('message', (m: Job) => {
  try {
    if (m.kind === 'search')
      parentPort!.postMessage({ id: m.id, results: m.queries.map((q) => index.search(q, m.limit)) });
    else parentPort!.postMessage({ id: m.id, results: [...index.dedup(m.limit, m.from, m.to, m.explain)] });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message });
  }
});
parentPort!.postMessage('ready');
