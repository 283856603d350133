/**
 * Builds a MatchIndex in a worker thread, so a node's HTTP process keeps answering while a large
 * registry is re-indexed (45 s of CPU at 1,000,000 persons). Pages of records arrive as messages;
 * the index goes back as `share()` data (its big arrays in shared memory, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { MatchIndex, type MatchOptions, type MatchRecord } from '../../matching/engine.ts';

type Message = { kind: 'page'; records: MatchRecord[] } | { kind: 'build'; options: MatchOptions };

const records: MatchRecord[] = [];
parentPort!.on('message', (m: Message) => {
  if (m.kind === 'page') {
    for (const r of m.records) records.push(r);
    return;
  }
  try {
    parentPort!.postMessage({ data: MatchIndex.build(records, m.options).share() });
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
parentPort!.postMessage('ready');
