import { describe, expect, it } from 'vitest';
import { getStage, startExchange } from '../domain/exchange/operation.ts';
import { reconcileStage } from '../domain/exchange/reconcile.ts';
import {
  A,
  apply,
  B,
  handOverAll,
  lines,
  lockManifest,
  notPresented,
  numericAgreement,
  reconcileAndConfirm,
  refusedAtCrossing,
  substitution,
  wrongPerson,
} from '../domain/exchange/testing.ts';
import { renderStageAct } from './act.ts';
import type { ReportInput } from './common.ts';
import { renderDisputeDossier } from './dossier.ts';
import { esc, reportText } from './html.ts';
import { htmlToPdf, PdfUnavailableError } from './pdf.ts';
import { renderProgressReport } from './progress.ts';
import { renderReconciliationReport } from './reconciliation.ts';

const EVIL = '<script>alert("x")</script>&';

/** Two stages: s1 confirmed (a refusal, justified), s2 in progress (wrong person, substitution, pending). */
function scenario() {
  let s = startExchange(numericAgreement(100, { title: `1,000 for 1,000 ${EVIL}` }));
  s = apply(s, {
    kind: 'stage.planned',
    plan: {
      stageId: 's1',
      agreementId: 'agr-65',
      date: '2025-05-23',
      crossingPoint: `Point <b>"1"</b>`,
      planned: [
        { direction: A, category: 'military', count: 6 },
        { direction: B, category: 'military', count: 6 },
      ],
    },
  });
  s = lockManifest(s, 's1', [...lines('a1', A, 'military', 6), ...lines('b1', B, 'military', 6)]);
  s = apply(s, { kind: 'stage.started', stageId: 's1', at: '2025-05-23T07:00:00.000Z' });
  s = apply(s, { kind: 'handover.recorded', record: refusedAtCrossing('s1', 'b1-0') });
  s = handOverAll(
    s,
    's1',
    ['a1-0', 'a1-1', 'a1-2', 'a1-3', 'a1-4', 'a1-5', 'b1-1', 'b1-2', 'b1-3', 'b1-4', 'b1-5'],
    '2025-05-23T08:00:00.000Z',
  );
  s = reconcileAndConfirm(s, 's1', 'refusal_at_crossing');
  s = apply(s, {
    kind: 'stage.planned',
    plan: {
      stageId: 's2',
      agreementId: 'agr-65',
      date: '2025-05-24',
      crossingPoint: 'crossing-2',
      planned: [
        { direction: A, category: 'military', count: 4 },
        { direction: B, category: 'civilian', count: 3 },
      ],
    },
  });
  s = lockManifest(s, 's2', [
    ...lines('a2', A, 'military', 4),
    ...lines('ar2', A, 'military', 2, { reserve: true }),
    ...lines('b2', B, 'civilian', 3).map((e, i) => (i === 2 ? { ...e, eligibility: 'unknown' as const } : e)),
  ]);
  s = apply(s, { kind: 'stage.started', stageId: 's2', at: '2025-05-24T07:00:00.000Z' });
  s = apply(s, { kind: 'handover.recorded', record: wrongPerson('s2', 'a2-0') });
  s = apply(s, substitution('s2', 'sub-1', 'a2-0', 'ar2-0', 'wrong_person_presented'));
  s = apply(s, { kind: 'handover.recorded', record: notPresented('s2', 'b2-0') });
  s = handOverAll(s, 's2', ['ar2-0', 'a2-1', 'b2-1'], '2025-05-24T08:00:00.000Z');
  return s;
}

const state = scenario();
const names = new Map([
  ['person:a1-0', `Ivanenko ${EVIL}`],
  ['person:a2-1', 'Petrenko Petro'],
]);
const withNames: ReportInput = { exchangeId: 'x-65', state, names, generatedAt: '2025-05-24T20:00:00.000Z' };
const hidden: ReportInput = { ...withNames, names: null };

const all = (input: ReportInput) => [
  renderStageAct(input, 's1'),
  renderStageAct(input, 's2'),
  renderReconciliationReport(input, '2025-05-24'),
  renderProgressReport(input),
  renderDisputeDossier(input),
];

/** `data-cell="dir:cat:field"` → number, from a rendered page. */
function cells(html: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of html.matchAll(/data-cell="([^"]+)"[^>]*>(\d+)</g)) out.set(m[1]!, Number(m[2]));
  return out;
}

describe('report renderers', () => {
  it('in one language: labels, values, dates and times in it, the same counts, markup still escaped', () => {
    /** Text of table cells and headings, without markup, codes, hashes and ids the reports print as such. */
    const words = (html: string) =>
      html
        .replace(/<style>[\s\S]*?<\/style>/, '')
        .replace(/<(code|span class="hash")[^>]*>[\s\S]*?<\/(code|span)>/g, '')
        .replace(/<[^>]+>/g, ' ');
    for (const [lang, heading, handed, refused, date] of [
      ['uk', 'Акт передачі етапу', 'передано', 'відмова', '23 травня 2025'],
      ['ru', 'Акт передачи этапа', 'передан', 'отказ', '23 мая 2025'],
      ['en', 'Stage handover act', 'handed over', 'refused', '23 May 2025'],
    ] as const) {
      const input: ReportInput = { ...withNames, text: reportText(lang, 'Europe/Kyiv') };
      const act = renderStageAct(input, 's1');
      expect(act).toContain(`<html lang="${lang}">`);
      expect(act).toContain(heading);
      const text = words(act);
      expect(text).toContain(handed);
      expect(text).toContain(refused);
      expect(text).toContain(date);
      // Codes never reach the reader as values.
      expect(text).not.toMatch(/\b(handed_over|not_handed_over|refused_at_crossing|in_progress)\b/);
      // 08:00 UTC on 23 May is 11:00 in Kyiv (summer time).
      expect(act).toMatch(/11:0\d \(Europe\/Kyiv\)/);
      expect(cells(act)).toEqual(cells(renderStageAct(withNames, 's1')));
      expect(act).toContain('Ivanenko &lt;script&gt;');
      if (lang !== 'en') expect(act).not.toContain('Stage handover act');
      for (const html of [
        renderReconciliationReport(input, '2025-05-24'),
        renderProgressReport(input),
        renderDisputeDossier(input),
      ])
        expect(html).toContain(`<html lang="${lang}">`);
    }
  });

  it('escapes every value: no markup from data reaches the page', () => {
    expect(esc(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    for (const html of all(withNames)) {
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<b>');
      expect(html).toMatch(/^<!doctype html>/);
      // Self-contained: no external resource, no script.
      expect(html).not.toMatch(/<(link|img|iframe|object)\b|src=|https?:\/\//i);
    }
    const act = renderStageAct(withNames, 's1');
    expect(act).toContain('1,000 for 1,000 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
    expect(act).toContain('Point &lt;b&gt;&quot;1&quot;&lt;/b&gt;');
    expect(act).toContain('Ivanenko &lt;script&gt;');
  });

  it('prints the counts reconcileStage derives, cell by cell', () => {
    for (const id of ['s1', 's2']) {
      const r = reconcileStage(getStage(state, id));
      const shown = cells(renderStageAct(withNames, id));
      let checked = 0;
      for (const c of r.cells)
        for (const f of [
          'planned',
          'onManifest',
          'presented',
          'handedOver',
          'notHandedOver',
          'pending',
        ] as const) {
          expect(
            shown.get(`${c.direction}:${c.category}:${f}`),
            `${id} ${c.direction} ${c.category} ${f}`,
          ).toBe(c[f]);
          checked++;
        }
      for (const [d, t] of Object.entries(r.totals))
        expect(shown.get(`${d}:total:handedOver`)).toBe(t.handedOver);
      expect(checked).toBeGreaterThan(0);
    }
    const daily = cells(renderReconciliationReport(withNames, '2025-05-24'));
    const r2 = reconcileStage(getStage(state, 's2'));
    for (const c of r2.cells) expect(daily.get(`${c.direction}:${c.category}:pending`)).toBe(c.pending);
    expect(r2.totals[A]!.pending).toBe(2); // a2-2, a2-3
  });

  it('prints no person identifier or name where the projection hides them', () => {
    for (const html of all(hidden)) {
      expect(html).not.toContain('person:');
      expect(html).not.toContain('Ivanenko');
    }
    for (const html of [renderStageAct(hidden, 's1'), renderDisputeDossier(hidden)])
      expect(html).toContain('Names hidden');
    const act = renderStageAct(withNames, 's1');
    expect(act).toContain('person:a1-0');
    expect(act).toContain('Ivanenko');
  });

  it('has bilingual headings, Ukrainian and English side by side', () => {
    const [act1, , daily, progress, dossier] = all(withNames);
    for (const [html, uk, en] of [
      [act1, 'Акт передачі етапу', 'Stage handover act'],
      [daily, 'Щоденний звіт зі звірки', 'Daily reconciliation report'],
      [progress, 'Звіт про виконання угоди', 'Agreement progress report'],
      [dossier, 'Досьє спірних питань для посередника', 'Dispute dossier for the mediator'],
    ] as const) {
      expect(html).toContain(`<span class="uk" lang="uk">${uk}</span>`);
      expect(html).toContain(`<span class="en" lang="en">${en}</span>`);
      expect(html).toContain('@media print');
      expect(html).toContain('size: A4');
    }
    expect(act1).toContain('Підписи');
    expect(act1).toContain('Signatures');
  });

  it('the act: signature blocks with the confirmation hashes, substitutions, discrepancies, justified warnings', () => {
    const act1 = renderStageAct(withNames, 's1');
    for (const who of ['party-a', 'party-b', 'mediator-m']) expect(act1).toContain(`data-signer="${who}"`);
    const signed = [...act1.matchAll(/data-signed-hash="[^"]+">([0-9a-f]{64})</g)].map((m) => m[1]);
    expect(signed).toHaveLength(3);
    expect(new Set(signed).size).toBe(1);
    expect(act1).toContain(signed[0]!);
    expect(act1).toContain('refused_at_crossing');
    expect(act1).toMatch(/data-justified="yes"/);
    const act2 = renderStageAct(withNames, 's2');
    expect(act2).toContain('Ще не підписано');
    expect(act2).toContain('sub-1');
    expect(act2).toMatch(/a2-0<\/code> → <code>ar2-0/);
    expect(act2).toContain('wrong_person_presented');
  });

  it('progress: targets against cumulative handed over in the exchange', () => {
    const html = renderProgressReport(withNames);
    // s1: 6 to A, 5 to B; s2: 2 to A (ar2-0, a2-1), 1 to B.
    expect(html).toMatch(/data-target="party-a:\*">.*?<td data-cumulative class="n">8</s);
    expect(html).toMatch(/data-target="party-b:\*">.*?<td data-cumulative class="n">6</s);
  });

  it('dossier: open discrepancies with record hashes, unjustified warnings, unknown eligibility', () => {
    const html = renderDisputeDossier(withNames);
    expect(html).toContain('wrong_person_presented');
    expect(html).toContain('not_presented');
    expect(html).toContain('data-ineligible="b2-2"');
    expect(html).toMatch(/data-justified="no"/);
    expect(html).not.toMatch(/data-warning="ratio:[^"]*:s1"/); // justified on s1
    expect(html.match(/class="hash">[0-9a-f]{64}</g)?.length ?? 0).toBeGreaterThanOrEqual(3);
  });

  it('PDF without Chromium: a clear error, not a crash', async () => {
    await expect(htmlToPdf('<p>x</p>', { chromium: '/nonexistent/chromium' })).rejects.toThrow(
      PdfUnavailableError,
    );
    await expect(htmlToPdf('<p>x</p>', { chromium: '/nonexistent/chromium' })).rejects.toThrow(
      /none is installed/,
    );
  });

  it('dossier: flagged counterpart list entries (ineligible, already released) with reasons and the list hash', () => {
    const list = {
      kind: 'offer',
      owner: B,
      version: 2,
      hash: 'ab'.repeat(32),
      signed: true,
      entries: [
        {
          ord: 1,
          nominationId: 'n-1',
          personRef: 'person:a1-0',
          claimedCategory: 'military',
          flags: ['matched'],
          reason: null,
          response: 'accepted',
        },
        {
          ord: 2,
          nominationId: 'n-2',
          personRef: `record:${'c'.repeat(64)}`,
          claimedCategory: 'civilian',
          flags: ['unknown', 'ineligible_for_category'],
          reason: `aged 26 <on> 2025-06-02`,
          response: null,
        },
        {
          ord: 3,
          nominationId: 'n-3',
          personRef: 'person:a2-1',
          claimedCategory: 'military',
          flags: ['matched', 'already_released'],
          reason: null,
          response: 'already_released',
        },
      ],
    };
    const html = renderDisputeDossier(withNames, [list]);
    expect(html).not.toContain('data-list-entry="n-1"');
    expect(html).toContain('data-list-entry="n-2"');
    expect(html).toContain('data-list-entry="n-3"');
    expect(html).toContain('aged 26 &lt;on&gt; 2025-06-02');
    expect(html).toContain('ab'.repeat(32));
    expect(html).toContain('Petrenko Petro');
    const hiddenHtml = renderDisputeDossier(hidden, [list]);
    expect(hiddenHtml).not.toContain('person:');
    expect(hiddenHtml).not.toContain('record:');
    expect(hiddenHtml).toContain('ineligible_for_category');
  });
});
