// `homeward report`: the real command on a demo node (synthetic people). HTML to stdout and to a file,
// usage errors with exit 2, an unknown exchange with exit 1. The PDF path runs in the browser test
// environment (e2e/reports.spec.ts), where Chromium is required.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newNode, ok, on } from './testing.ts';

describe('homeward report', { timeout: 300_000 }, () => {
  it('renders every report of the demo exchange; refuses bad usage clearly', async () => {
    const node = await newNode('report');
    ok(await on(node, ['demo', '--persons', '30']), 'demo');
    const X = ['--exchange', 'demo-exchange-65'];

    const act = await on(node, ['report', 'act', ...X, '--stage', 'stage-0']);
    ok(act, 'act');
    expect(act.stdout).toMatch(/^<!doctype html>/);
    expect(act.stdout).toContain('Акт передачі етапу');
    expect(act.stdout).toContain('Stage handover act');
    expect(act.stdout.match(/data-signed-hash="/g)).toHaveLength(3);

    const out = path.join(node.dir, 'dossier.html');
    ok(await on(node, ['report', 'dossier', ...X, '--out', out]), 'dossier');
    expect(fs.readFileSync(out, 'utf8')).toContain('Dispute dossier for the mediator');
    for (const kind of ['reconciliation', 'progress']) ok(await on(node, ['report', kind, ...X]), kind);
    const ru = await on(node, [
      'report',
      'act',
      ...X,
      '--stage',
      'stage-0',
      '--lang',
      'ru',
      '--tz',
      'Europe/Kyiv',
    ]);
    ok(ru, 'act --lang ru');
    expect(ru.stdout).toContain('<html lang="ru">');
    expect(ru.stdout).toContain('Акт передачи этапа');
    expect(ru.stdout).not.toContain('Stage handover act');
    const badZone = await on(node, [
      'report',
      'act',
      ...X,
      '--stage',
      'stage-0',
      '--lang',
      'uk',
      '--tz',
      'Kyiv',
    ]);
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain('--tz must be an IANA time zone');

    const noStage = await on(node, ['report', 'act', ...X]);
    expect(noStage.code).toBe(2);
    expect(noStage.stderr).toContain('needs --stage');
    const badKind = await on(node, ['report', 'summary', ...X]);
    expect(badKind.code).not.toBe(0);
    const unknown = await on(node, ['report', 'progress', '--exchange', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such exchange');
  });
});
