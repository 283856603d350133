// Reports over HTTP: who may read them (every role, and nobody signed out), the HTML they return
// (bilingual, escaped, counts equal to the stage board's, names as the projection allows), and the
// public bulletin (no sign-in; 404 with a clear message before anything is published). Synthetic
// people only. The PDF path runs in the browser test environment (e2e/reports.spec.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCounterpartList } from '../app/lists/lists.ts';
import { seedDemoBulletin } from '../demo/public-bulletin-demo.ts';
import { seedDemoExchange } from '../demo/stage-board-demo.ts';
import { cliContext, type Permission, type Role, Roles, rolePermissions } from '../domain/access.ts';
import { buildTestNode, createPerson, type TestNode } from './testing.ts';

let node: TestNode;
let personName: string;
const X = 'x-reports';
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'rp' });
  const p = await createPerson(node);
  personName = p.displayName;
  await seedDemoExchange(
    (fn) => node.database.transaction(fn),
    cliContext(node.identity.orgId, ['coordinator'], 'test'),
    { exchangeId: X, personIds: [p.id], counts: [4, 1, 4, 1], recorded: 3 },
  );
});
afterAll(async () => {
  await node?.close();
});

const granted = (role: Role, p: Permission) => (rolePermissions[role] as readonly Permission[]).includes(p);
const urls = [
  `/api/exchanges/${X}/stages/stage-1/act`,
  `/api/exchanges/${X}/reports/reconciliation`,
  `/api/exchanges/${X}/reports/progress`,
  `/api/exchanges/${X}/reports/dossier`,
];

describe('reports over HTTP', () => {
  it('every report: 200 HTML for each role with exchange:read, 403 for the others, 401 signed out', async () => {
    for (const url of urls) {
      const anon = await node.app.inject({ method: 'GET', url });
      expect(anon.statusCode, url).toBe(401);
      for (const role of Roles) {
        const res = await node.app.inject({ method: 'GET', url, headers: node.as(role) });
        expect(res.statusCode, `${role} ${url}`).toBe(granted(role, 'exchange:read') ? 200 : 403);
        if (res.statusCode === 200) {
          expect(res.headers['content-type']).toMatch(/^text\/html/);
          expect(res.headers['content-security-policy']).toContain("default-src 'none'");
          expect(res.body).toMatch(/^<!doctype html>/);
        } else expect(res.body).not.toContain('<html');
      }
    }
  });

  it('the act: bilingual, counts equal to the stage board, names as the projection allows', async () => {
    const act = await node.app.inject({ method: 'GET', url: urls[0]!, headers: node.as('mediator') });
    expect(act.body).toContain('Акт передачі етапу');
    expect(act.body).toContain('Stage handover act');
    expect(act.body).toContain(personName.replaceAll('&', '&amp;').replaceAll("'", '&#39;'));
    const board = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${X}/stages/stage-1`,
      headers: node.as('mediator'),
    });
    const rec = (board.json() as { reconciliation: { cells: Record<string, string | number>[] } })
      .reconciliation;
    expect(rec.cells.length).toBe(4);
    for (const c of rec.cells)
      for (const f of ['planned', 'presented', 'handedOver', 'notHandedOver', 'pending'])
        expect(act.body, `${c.direction} ${c.category} ${f}`).toContain(
          `data-cell="${c.direction}:${c.category}:${f}" class="n">${c[f]}<`,
        );
    expect(act.body).toContain('refused_at_crossing');
  });

  it('in the reader’s language: ?lang or Accept-Language, values translated, times per locale and zone', async () => {
    const h = node.as('mediator');
    const ru = await node.app.inject({ method: 'GET', url: `${urls[0]}?lang=ru&tz=Europe/Kyiv`, headers: h });
    expect(ru.statusCode).toBe(200);
    expect(ru.headers.vary).toContain('Accept-Language');
    expect(ru.body).toContain('<html lang="ru">');
    expect(ru.body).toContain('Акт передачи этапа');
    expect(ru.body).not.toContain('Stage handover act');
    // Values are words of the reader's language, not codes: refused_at_crossing, handed_over.
    expect(ru.body).toContain('отказ');
    expect(ru.body).not.toMatch(/>(refused_at_crossing|handed_over|pending)</);
    expect(ru.body).toContain('(Europe/Kyiv)');
    const uk = await node.app.inject({
      method: 'GET',
      url: urls[2]!,
      headers: { ...h, 'accept-language': 'de-DE, uk;q=0.9, en;q=0.8' },
    });
    expect(uk.body).toContain('<html lang="uk">');
    expect(uk.body).toContain('Звіт про виконання угоди');
    expect(uk.body).not.toContain('Agreement progress report');
    const en = await node.app.inject({ method: 'GET', url: `${urls[1]}?lang=en`, headers: h });
    expect(en.body).toContain('Daily reconciliation report');
    expect(en.body).not.toContain('Щоденний звіт');
    // Neither names a supported language: bilingual, as before.
    const bi = await node.app.inject({
      method: 'GET',
      url: urls[3]!,
      headers: { ...h, 'accept-language': 'de' },
    });
    expect(bi.body).toContain('Досьє спірних питань для посередника');
    expect(bi.body).toContain('Dispute dossier for the mediator');
    for (const q of ['lang=de', 'tz=Mars/Olympus'])
      expect(
        (await node.app.inject({ method: 'GET', url: `${urls[0]}?${q}`, headers: h })).statusCode,
        q,
      ).toBe(422);
  });

  it('query validation and unknown ids', async () => {
    const h = node.as('auditor');
    const bad = await node.app.inject({ method: 'GET', url: `${urls[1]}?date=yesterday`, headers: h });
    expect(bad.statusCode).toBe(422);
    const fmt = await node.app.inject({ method: 'GET', url: `${urls[0]}?format=docx`, headers: h });
    expect(fmt.statusCode).toBe(422);
    const stage = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${X}/stages/nope/act`,
      headers: h,
    });
    expect(stage.statusCode).toBe(404);
    const ex = await node.app.inject({
      method: 'GET',
      url: '/api/exchanges/nope/reports/progress',
      headers: h,
    });
    expect(ex.statusCode).toBe(404);
    const day = new Date().toISOString().slice(0, 10);
    const daily = await node.app.inject({ method: 'GET', url: `${urls[1]}?date=${day}`, headers: h });
    expect(daily.body).toContain('data-stage="stage-1"');
    const other = await node.app.inject({ method: 'GET', url: `${urls[1]}?date=2001-01-01`, headers: h });
    expect(other.body).not.toContain('data-stage="stage-1"');
  });

  it('public bulletin: 404 with a clear message before publishing, then the verifiable JSON without sign-in', async () => {
    const none = await node.app.inject({ method: 'GET', url: '/api/public/bulletin' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toMatch(/no bulletin has been published/);
    const noFile = await node.app.inject({ method: 'GET', url: '/api/public/bulletin.json' });
    expect(noFile.statusCode).toBe(404);
    expect(noFile.json().error.message).toMatch(/no bulletin has been published/);

    const r = await seedDemoBulletin(
      (fn) => node.database.transaction(fn),
      cliContext(node.identity.orgId, ['coordinator'], 'test'),
      { exchangeId: X },
    );
    expect(r.published).toBe(true);
    const res = await node.app.inject({ method: 'GET', url: '/api/public/bulletin' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      exchangeId: string;
      verifiable: {
        format: string;
        bulletin: {
          stages: { cells: { metric: { class: string }; value: number | null }[] }[];
          definitions: object;
        };
      };
    };
    expect(body.exchangeId).toBe(X);
    expect(body.verifiable.format).toBe('homeward/verifiable-bulletin/v1');
    expect(body.verifiable.bulletin.stages).toHaveLength(1);
    // The download: the verifiable member alone, as a file, without sign-in.
    const file = await node.app.inject({ method: 'GET', url: '/api/public/bulletin.json' });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(file.body)).toEqual(body.verifiable);
    const civ = body.verifiable.bulletin.stages[0]!.cells.filter((c) => c.metric.class === 'civilian');
    expect(civ.length).toBeGreaterThan(0);
    expect(civ.every((c) => c.value === null)).toBe(true); // 3 each way: small cells withheld
    expect(res.body).not.toContain('person:');
    expect(res.body).not.toContain(personName);
    // The act of the confirmed stage carries the three confirmation hashes.
    const act = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${X}/stages/stage-0/act`,
      headers: node.as('coordinator'),
    });
    expect(act.body.match(/data-signed-hash="/g)).toHaveLength(3);
    // Idempotent.
    const again = await seedDemoBulletin(
      (fn) => node.database.transaction(fn),
      cliContext(node.identity.orgId, ['coordinator'], 'test'),
      { exchangeId: X },
    );
    expect(again.published).toBe(false);
  });

  it('the report routes and the public bulletin are in the OpenAPI document', async () => {
    const res = await node.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/api/exchanges/{id}/stages/{stageId}/act',
      '/api/exchanges/{id}/reports/reconciliation',
      '/api/exchanges/{id}/reports/progress',
      '/api/exchanges/{id}/reports/dossier',
      '/api/public/bulletin',
      '/api/public/bulletin.json',
    ])
      expect(paths, p).toContain(p);
  });

  it('the dossier lists a counterpart list’s flagged entries with the list hash', async () => {
    const csv = [
      'id,family_name,given_name,patronymic,birth_date,unit,service_number,category,person_category',
      'U-1,Zzyxwqenko,Qwerty,Asdfovych,1990-01-01,,,military,servicemember',
      'U-2,Zzyxwqenko,Qwerty,Asdfovych,1990-01-01,,,military,servicemember',
    ].join('\n');
    const ctx = cliContext(node.identity.orgId, ['coordinator'], 'test');
    const r = await node.database.transaction((tx) =>
      importCounterpartList(ctx, tx, {
        exchangeId: X,
        kind: 'their_offer',
        bytes: Buffer.from(csv),
        filename: 'offer.csv',
      }),
    );
    const res = await node.app.inject({ method: 'GET', url: urls[3]!, headers: node.as('mediator') });
    expect(res.statusCode).toBe(200);
    expect(res.body.match(/data-list-entry="/g)?.length).toBe(2);
    expect(res.body).toContain('unknown');
    expect(res.body).toContain(r.versionHash);
  });
});
