// Background jobs over HTTP: uploads answer 202 with a job id, the job reports progress and the
// outcome (counts, or every bad row by line and column with nothing written), 413 past the upload
// limit, another organisation's job is not found, a wrong role is refused; and the node keeps
// answering health and stage-board requests while an import job runs. Synthetic people only.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExchange } from '../app/exchange/exchange.ts';
import { createJob } from '../app/jobs/jobs.ts';
import { registerPerson } from '../app/registry/register-person.ts';
import { testContext } from '../db/testing.ts';
import { seedDemoExchange } from '../demo/stage-board-demo.ts';
import { cliContext } from '../domain/access.ts';
import { categoryAgreement, signedByAll } from '../domain/exchange/testing.ts';
import { toXlsx } from '../io/xlsx.ts';
import { XLSX_TYPE } from './spool.ts';
import { buildTestNode, type JobBody, type TestNode, uploadAndWait, waitForJob } from './testing.ts';

let node: TestNode;
const X = 'jobs-exchange';
const STAGE = 'stage-1';
beforeAll(async () => {
  // Small write chunks and a small upload limit: several checkpoints per file, and a cheap 413.
  node = await buildTestNode({
    userPrefix: 'jb',
    server: { importChunkRows: 50, maxUploadBytes: 3 * 1024 * 1024 },
  });
  await seedDemoExchange(
    (fn) => node.database.transaction(fn),
    cliContext(node.identity.orgId, ['coordinator'], 'test'),
    { exchangeId: X, stageId: STAGE, counts: [4, 1, 4, 1], recorded: 3 },
  );
});
afterAll(async () => {
  await node?.close();
});

const personCount = async (refPrefix: string) =>
  Number(
    (
      await sql<{
        n: string;
      }>`SELECT count(*) AS n FROM external_refs WHERE value LIKE ${`${refPrefix}%`}`.execute(
        node.database.db,
      )
    ).rows[0]?.n,
  );

function personsCsv(prefix: string, rows: number, bad: Map<number, string> = new Map()): string {
  const lines = ['id,family_name,given_name,birth_date,sex'];
  for (let i = 0; i < rows; i++)
    lines.push(
      bad.get(i) ?? `${prefix}-${i},Синтетичний${i % 97},Тест,19${50 + (i % 49)}-0${1 + (i % 9)}-15,m`,
    );
  return `${lines.join('\r\n')}\r\n`;
}

const IMPORT = '/api/imports/persons?filename=persons.csv';

describe('person import as a job', () => {
  it('answers 202 with a job id; the job imports every row and reports the counts', async () => {
    const prefix = `JA${randomUUID().slice(0, 6)}`;
    const csv = personsCsv(prefix, 230);
    const first = await uploadAndWait(node, 'list_officer', IMPORT, csv);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.job).toMatchObject({
      kind: 'person_import',
      state: 'succeeded',
      done: 230,
      total: 230,
      result: { total: 230, created: 230, updated: 0, unchanged: 0 },
      error: null,
    });
    expect(await personCount(prefix)).toBe(230);
    // The same file again changes nothing.
    const again = await uploadAndWait(node, 'list_officer', IMPORT, csv);
    expect(again.job?.result).toEqual({ total: 230, created: 0, updated: 0, unchanged: 230 });
    expect(await personCount(prefix)).toBe(230);
    // The job is among the starter's recent jobs, not among another user's.
    const mine = await node.app.inject({ method: 'GET', url: '/api/jobs', headers: node.as('list_officer') });
    expect((mine.json() as { items: JobBody[] }).items.map((j) => j.id)).toContain(first.job?.id);
    const theirs = await node.app.inject({
      method: 'GET',
      url: '/api/jobs',
      headers: node.as('coordinator'),
    });
    expect((theirs.json() as { items: JobBody[] }).items.map((j) => j.id)).not.toContain(first.job?.id);
  });

  it('a file with bad rows: the job fails with every bad row by line and column, and writes nothing', async () => {
    const prefix = `JB${randomUUID().slice(0, 6)}`;
    const bad = new Map([
      [3, `${prefix}-3,,Тест,1990-01-01,m`],
      [180, `${prefix}-180,Синтетичний,Тест,1990-02-31,x`],
    ]);
    const r = await uploadAndWait(node, 'coordinator', IMPORT, personsCsv(prefix, 200, bad));
    expect(r.statusCode, r.body).toBe(202);
    expect(r.job?.state).toBe('failed');
    expect(r.job?.error?.code).toBe('IMPORT_REJECTED');
    expect(
      ((r.job?.error?.details?.rows ?? []) as { line: number; column: string; code: string }[]).map((e) => [
        e.line,
        e.column,
        e.code,
      ]),
    ).toEqual([
      [5, 'family_name', 'REQUIRED'],
      [182, 'birth_date', 'INVALID_DATE'],
      [182, 'sex', 'INVALID_SEX'],
    ]);
    // Nothing written, and no personal data in the job's error.
    expect(await personCount(prefix)).toBe(0);
    expect(JSON.stringify(r.job)).not.toContain('Синтетичний');
  });

  it('refuses an upload past the limit with 413 in the standard error shape, and starts no job', async () => {
    const before = await node.app.inject({
      method: 'GET',
      url: '/api/jobs',
      headers: node.as('coordinator'),
    });
    const big = Buffer.alloc(3 * 1024 * 1024 + 10, 'a');
    const r = await node.app.inject({
      method: 'POST',
      url: IMPORT,
      headers: { ...node.as('coordinator'), 'content-type': 'text/csv' },
      payload: big,
    });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('3 MB') },
    });
    const after = await node.app.inject({ method: 'GET', url: '/api/jobs', headers: node.as('coordinator') });
    expect((after.json() as { items: unknown[] }).items.length).toBe(
      (before.json() as { items: unknown[] }).items.length,
    );
  });

  it('a role without registry:import: 403 for the upload and for reading an import job', async () => {
    const r = await node.app.inject({
      method: 'POST',
      url: IMPORT,
      headers: { ...node.as('mediator'), 'content-type': 'text/csv' },
      payload: personsCsv('JC', 2),
    });
    expect(r.statusCode).toBe(403);
    const ok = await uploadAndWait(
      node,
      'coordinator',
      IMPORT,
      personsCsv(`JC${randomUUID().slice(0, 6)}`, 2),
    );
    const read = await node.app.inject({
      method: 'GET',
      url: `/api/jobs/${ok.job?.id}`,
      headers: node.as('field_officer'),
    });
    expect(read.statusCode).toBe(403);
  });

  it("another organisation's job answers 404, as an unknown id does", async () => {
    const other = testContext(['coordinator']);
    const id = await node.database.transaction((tx) => createJob(other, tx, 'dedup', { likelyOnly: true }));
    for (const jobId of [id, randomUUID()]) {
      const r = await node.app.inject({
        method: 'GET',
        url: `/api/jobs/${jobId}`,
        headers: node.as('coordinator'),
      });
      expect(r.statusCode).toBe(404);
      expect((r.json() as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });
});

describe('list import and dedup as jobs', () => {
  it('a counterpart list import runs as a job and feeds the review queue', async () => {
    const ctx = cliContext(node.identity.orgId, ['coordinator'], 'test');
    const family = `Зразковенко${randomUUID().slice(0, 4)}`;
    await node.database.transaction((tx) =>
      registerPerson(ctx, tx, {
        names: [{ script: 'Cyrl', lang: 'uk', family, given: 'Орест', patronymic: 'Іванович' }],
        sex: 'male',
        birth: { date: '2003-04-05', precision: 'day' },
        category: 'servicemember',
      }),
    );
    const id = `x-${randomUUID().slice(0, 8)}`;
    await node.database.transaction((tx) =>
      createExchange(ctx, tx, { id, agreement: signedByAll(categoryAgreement()) }),
    );
    const csv = [
      'id,family_name,given_name,patronymic,birth_date,category,person_category',
      `C-1,${family},Орест,Іванович,2003-04-05,young,servicemember`,
    ].join('\n');
    const queueBefore = await node.app.inject({
      method: 'GET',
      url: '/api/matches',
      headers: node.as('coordinator'),
    });
    const r = await uploadAndWait(
      node,
      'list_officer',
      `/api/exchanges/${id}/lists/import?filename=o.csv`,
      csv,
    );
    expect(r.statusCode, r.body).toBe(202);
    expect(r.job).toMatchObject({
      kind: 'list_import',
      state: 'succeeded',
      result: { entryCount: 1, queued: 1 },
    });
    const queueAfter = await node.app.inject({
      method: 'GET',
      url: '/api/matches',
      headers: node.as('coordinator'),
    });
    expect(queueAfter.body.length).toBeGreaterThan(queueBefore.body.length);
    expect(queueAfter.body).toContain(family);
    // The same list as XLSX (to another exchange): the job streams the workbook from its spool file.
    const id2 = `x-${randomUUID().slice(0, 8)}`;
    await node.database.transaction((tx) =>
      createExchange(ctx, tx, { id: id2, agreement: signedByAll(categoryAgreement()) }),
    );
    const [header, row] = csv.split('\n').map((l) => l.split(','));
    const xlsx = await uploadAndWait(
      node,
      'list_officer',
      `/api/exchanges/${id2}/lists/import?filename=o.xlsx`,
      await toXlsx(header!, [row!]),
      XLSX_TYPE,
    );
    expect(xlsx.statusCode, xlsx.body).toBe(202);
    expect(xlsx.job?.error ?? null).toBeNull();
    expect(xlsx.job).toMatchObject({
      kind: 'list_import',
      state: 'succeeded',
      result: { entryCount: 1, version: 1 },
    });
    // An unknown (or another organisation's) exchange: 404 before anything is uploaded.
    const missing = await node.app.inject({
      method: 'POST',
      url: '/api/exchanges/no-such-exchange/lists/import',
      headers: { ...node.as('list_officer'), 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('dedup runs as a job for match:review only', async () => {
    const denied = await node.app.inject({
      method: 'POST',
      url: '/api/matches/dedup',
      headers: node.as('list_officer'),
      payload: {},
    });
    expect(denied.statusCode).toBe(403);
    const res = await node.app.inject({
      method: 'POST',
      url: '/api/matches/dedup',
      headers: node.as('identity_analyst'),
      payload: { likelyOnly: false },
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(node, 'identity_analyst', (res.json() as { jobId: string }).jobId);
    expect(job).toMatchObject({
      kind: 'dedup',
      state: 'succeeded',
      result: { registrySize: expect.any(Number) },
    });
  });
});

describe('the node keeps answering while an import job runs', () => {
  it('health and the stage board answer over real HTTP while the job is still running', async () => {
    const address = await node.app.listen({ host: '127.0.0.1', port: 0 });
    const prefix = `JR${randomUUID().slice(0, 6)}`;
    const headers = node.as('coordinator');
    const upload = await fetch(`${address}${IMPORT}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: personsCsv(prefix, 8000),
    });
    expect(upload.status).toBe(202);
    const { jobId } = (await upload.json()) as { jobId: string };
    const job = async () =>
      (await (await fetch(`${address}/api/jobs/${jobId}`, { headers })).json()) as JobBody;
    // Wait until it writes (generous bound; speed is measured by bench:responsiveness).
    const until = Date.now() + 60_000;
    let seen = await job();
    while (!(seen.state === 'running' && seen.phase === 'writing') && Date.now() < until) {
      expect(seen.state).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 10));
      seen = await job();
    }
    expect(seen).toMatchObject({ state: 'running', phase: 'writing' });
    const answers: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [health, board] = await Promise.all([
        fetch(`${address}/api/health`, { signal: AbortSignal.timeout(20_000) }),
        fetch(`${address}/api/exchanges/${X}/stages/${STAGE}`, {
          headers,
          signal: AbortSignal.timeout(20_000),
        }),
      ]);
      answers.push(health.status, board.status);
    }
    const during = await job();
    expect(answers).toEqual([200, 200, 200, 200, 200, 200]);
    // Still running after those answers: they were served during the import, not after it.
    expect(during.state).toBe('running');
    expect(during.done).toBeLessThan(8000);
    const end = await waitForJob(node, 'coordinator', jobId, 300_000);
    expect(end).toMatchObject({ state: 'succeeded', result: { created: 8000 } });
  }, 320_000);
});
