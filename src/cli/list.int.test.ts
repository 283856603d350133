// `homeward list import` and `homeward list diff` through their run functions, against a node's
// database (PGlite in a temp directory, or a fresh schema on DATABASE_URL, as every CLI test node).
// Synthetic people only.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExchange } from '../app/exchange/exchange.ts';
import { registerPerson } from '../app/registry/register-person.ts';
import { categoryAgreement, signedByAll } from '../domain/exchange/testing.ts';
import { openNode } from './context.ts';
import { runListDiff, runListImport } from './list.ts';
import { asCommandOn, newNode } from './testing.ts';

describe('homeward list', () => {
  it('imports a counterpart file with its flags, refuses a bad one by line and column, diffs versions', async () => {
    const cli = await newNode('list');
    await asCommandOn(cli, () => steps(cli.dir));
  }, 120_000);
});

async function steps(data: string): Promise<void> {
  const dir = data;
  const exchange = `x-${randomUUID().slice(0, 8)}`;
  const node = await openNode({ data, party: 'party-a' });
  try {
    const ctx = node.as(['coordinator']);
    await node.database.transaction(async (tx) => {
      await createExchange(ctx, tx, { id: exchange, agreement: signedByAll(categoryAgreement()) });
      await registerPerson(ctx, tx, {
        names: [{ script: 'Cyrl', lang: 'uk', family: 'Тестенко', given: 'Орест', patronymic: 'Іванович' }],
        sex: 'male',
        birth: { date: '1990-04-05', precision: 'day' },
        category: 'servicemember',
      });
    });
  } finally {
    await node.database.close();
  }
  const good = path.join(dir, 'offer.csv');
  fs.writeFileSync(
    good,
    'id,family_name,given_name,patronymic,birth_date,category\nC-1,Тестенко,Орест,Іванович,1990-04-05,young\nC-2,Синтетичний,Невідомий,,2004-02-03,young\n',
  );
  let out = '';
  let err = '';
  expect(
    await runListImport(
      good,
      { data, exchange },
      (s) => (out += s),
      (s) => (err += s),
    ),
  ).toBe(0);
  expect(out).toMatch(/their_offer version 1 .* 2 entries/);
  expect(out).toMatch(/matched: 1/);
  expect(out).toMatch(/ineligible_for_category: 1/);
  expect(out).toMatch(/unknown: 1/);

  const bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(bad, 'id,family_name,birth_date\n,Синтетичний,2004-01-01\nB-2,Синтетичний,2004/13/01\n');
  err = '';
  expect(
    await runListImport(
      bad,
      { data, exchange },
      () => {},
      (s) => (err += s),
    ),
  ).toBe(1);
  expect(err).toContain(`${bad}:2: id:`);
  expect(err).toContain(`${bad}:3: birth_date:`);
  expect(err).toContain('nothing was written');

  out = '';
  // Version 1 is not signed yet, so a second version of their offer is refused.
  await expect(runListImport(good, { data, exchange }, () => {})).rejects.toMatchObject({
    details: { violation: 'STAGE_TRANSITION' },
  });
  const first = /\(id (\d+),/.exec(
    await (async () => {
      let s = '';
      await runListImport(good, { data, exchange, kind: 'their_request' }, (x) => (s += x));
      return s;
    })(),
  )![1]!;
  expect(await runListDiff({ data, exchange, from: first, to: first }, (s) => (out += s))).toBe(0);
  expect(out).toMatch(/0 added, 0 removed, 0 changed, 2 unchanged/);
}
