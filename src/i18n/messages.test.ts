import fc from 'fast-check';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { bulletinDefinitionCode, METRIC_DEFINITIONS } from '../domain/exchange/bulletin.ts';
import {
  describePredicate,
  describePredicateParts,
  PredicateMessages,
} from '../domain/exchange/describe-predicate.ts';
import { getStage, startExchange } from '../domain/exchange/operation.ts';
import { P, type Predicate } from '../domain/exchange/predicate.ts';
import { agreementWarnings, stageWarnings, WarningMessages } from '../domain/exchange/rules.ts';
import {
  A,
  apply,
  B,
  handOverAll,
  lines,
  lockManifest,
  numericAgreement,
  plan,
} from '../domain/exchange/testing.ts';
import { PersonCategories, Sexes } from '../domain/person.ts';
import { ExchangeStatuses, FateStatuses } from '../domain/status.ts';
import { RowErrorMessageParams, rowErrorMessageCode } from '../io/row-error.ts';
import { ReportMessages } from '../reports/html.ts';
import { Locales, localeTags } from './format.ts';
import { catalogues, formatMessage, negotiateLocale } from './messages.ts';

/** Every message code the server sends or renders, from the const list of each source, with its arguments. */
const serverMessages: [string, readonly string[]][] = [
  ...Object.entries(WarningMessages),
  ...Object.entries(PredicateMessages),
  ...Object.entries(RowErrorMessageParams).map(([code, params]): [string, readonly string[]] => [
    rowErrorMessageCode(code as never),
    params,
  ]),
  ...Object.entries(ReportMessages),
  ...Object.keys(METRIC_DEFINITIONS).map((k): [string, readonly string[]] => [
    bulletinDefinitionCode(k as keyof typeof METRIC_DEFINITIONS),
    [],
  ]),
];

type Element = {
  type: number;
  value?: string;
  options?: Record<string, { value: Element[] }>;
  children?: Element[];
};

/** The argument names an ICU message uses (plural, select and nested options included). */
function argumentsOf(ast: readonly Element[], out = new Set<string>()): Set<string> {
  for (const el of ast) {
    // 0 literal, 7 pound: no argument; every other element names one.
    if (el.type !== 0 && el.type !== 7 && el.value !== undefined) out.add(el.value);
    for (const option of Object.values(el.options ?? {})) argumentsOf(option.value, out);
    if (el.children) argumentsOf(el.children, out);
  }
  return out;
}

describe('server message catalogue', () => {
  it('enumerates codes from every source', () => {
    expect(serverMessages.length).toBeGreaterThan(100);
    expect(new Set(serverMessages.map(([c]) => c)).size).toBe(serverMessages.length);
  });

  it.each(Locales)('has every server message in %s, parsing, with exactly its arguments', (locale) => {
    const problems: string[] = [];
    for (const [code, params] of serverMessages) {
      const source = catalogues[locale][code];
      if (source === undefined) {
        problems.push(`${code}: missing`);
        continue;
      }
      let used: Set<string>;
      try {
        used = argumentsOf(new IntlMessageFormat(source, localeTags[locale]).getAst() as Element[]);
      } catch (e) {
        problems.push(`${code}: does not parse (${String(e)})`);
        continue;
      }
      const want = [...params].sort().join();
      if ([...used].sort().join() !== want)
        problems.push(`${code}: uses {${[...used].sort()}}, expects {${want}}`);
    }
    expect(problems).toEqual([]);
  });

  it('translates the bulletin’s signed metric definitions, whose English is the signed text verbatim', () => {
    for (const [k, text] of Object.entries(METRIC_DEFINITIONS))
      expect(formatMessage('en', bulletinDefinitionCode(k as keyof typeof METRIC_DEFINITIONS))).toBe(text);
  });

  it('renders plurals per language', () => {
    const at = (locale: 'uk' | 'ru' | 'en', omitted: number) =>
      formatMessage(locale, 'msg.row.TOO_MANY_ERRORS', { omitted }).split(';')[0];
    expect([1, 2, 5].map((n) => at('uk', n))).toEqual([
      'Ще 1 помилку не показано',
      'Ще 2 помилки не показано',
      'Ще 5 помилок не показано',
    ]);
    expect([1, 3, 11].map((n) => at('ru', n))).toEqual([
      'Ещё 1 ошибка не показана',
      'Ещё 3 ошибки не показаны',
      'Ещё 11 ошибок не показано',
    ]);
    expect([1, 2].map((n) => at('en', n))).toEqual([
      '1 more error was omitted',
      '2 more errors were omitted',
    ]);
  });

  it('picks the reader’s language from lang, then Accept-Language, else none', () => {
    expect(negotiateLocale('ru', 'uk')).toBe('ru');
    expect(negotiateLocale('uk-UA', undefined)).toBe('uk');
    expect(negotiateLocale(undefined, 'de-DE, ru;q=0.8, uk;q=0.9')).toBe('uk');
    expect(negotiateLocale(undefined, 'en-GB,en;q=0.9')).toBe('en');
    expect(negotiateLocale(undefined, 'de, fr;q=0.5')).toBeUndefined();
    expect(negotiateLocale('xx', undefined)).toBeUndefined();
    expect(negotiateLocale(undefined, undefined)).toBeUndefined();
  });
});

/** Latin words left in a translated text, once ids, dates and ISO country codes are taken out. */
const latinWords = (text: string, ids: readonly string[] = []) =>
  ids
    .reduce((t, id) => t.replaceAll(id, ''), text)
    .replace(/\b[A-Z]{2}\b/g, '')
    .match(/[A-Za-z_]{2,}/g) ?? [];

describe('rule warnings as codes', () => {
  it('render to the English message in English and into Ukrainian and Russian without English words', () => {
    const agreement = numericAgreement(3, {
      orderingRules: [{ id: 'civilians-first', first: 'civilian', after: null, scope: 'both' }],
      targets: [
        { direction: A, category: null, count: 2 },
        { direction: B, category: 'military', count: 3 },
      ],
    });
    let s = apply(
      startExchange(agreement),
      plan('s1', '2025-05-23', [
        { direction: A, category: 'military', count: 2 },
        { direction: A, category: 'civilian', count: 1 },
        { direction: B, category: 'military', count: 3 },
      ]),
    );
    const es = [
      ...lines('m', A, 'military', 2).map((e, i) => ({
        ...e,
        eligibility: (['false', 'unknown'] as const)[i]!,
      })),
      ...lines('c', A, 'civilian', 1),
      ...lines('b', B, 'military', 3),
    ];
    s = apply(lockManifest(s, 's1', es), {
      kind: 'stage.started',
      stageId: 's1',
      at: '2025-05-23T06:00:00.000Z',
    });
    // A's servicemembers cross before its civilian (ordering), B gets one of three (planned, ratio, target).
    s = handOverAll(s, 's1', ['m-0', 'm-1', 'c-0', 'b-0'], '2025-05-23T08:00:00.000Z');
    const st = getStage(s, 's1');
    const accepted = es.map((e) => ({
      personRef: e.personRef,
      direction: e.direction,
      category: e.category,
    }));
    const all = [
      ...stageWarnings(s.agreement, st),
      ...agreementWarnings(
        {
          ...s.agreement,
          ratioRules: [...s.agreement.ratioRules, { id: 'aa', kind: 'all_for_all', category: 'military' }],
        },
        { stages: [st], final: true, accepted },
      ),
    ];
    expect(new Set(all.map((w) => w.code))).toEqual(
      new Set([
        'msg.warning.planned_count',
        'msg.warning.ratio',
        'msg.warning.category_breach',
        'msg.warning.category_unverified',
        'msg.warning.ordering',
        'msg.warning.target',
        'msg.warning.target_category',
        'msg.warning.all_for_all',
      ]),
    );
    for (const w of all) {
      expect(formatMessage('en', w.code, w.params)).toBe(w.message);
      for (const locale of ['uk', 'ru'] as const) {
        const text = formatMessage(locale, w.code, w.params);
        expect(latinWords(text, [A, B, 'military', 'civilian']), `${locale} ${w.code}: ${text}`).toEqual([]);
      }
    }
    expect(formatMessage('uk', 'msg.warning.category_breach', { count: 2, category: 'military' })).toBe(
      '2 особи передано у категорії military без відповідності її умовам',
    );
    expect(
      formatMessage('ru', 'msg.warning.ordering', { early: 5, direction: A, category: 'civilian' }),
    ).toBe('5 лиц перешли к стороне party-a раньше последнего лица категории civilian');
  });
});

describe('predicate descriptions as parts', () => {
  const leaf: fc.Arbitrary<Predicate> = fc.oneof(
    fc.constant(P.always()),
    fc
      .record({ a: fc.integer({ min: 0, max: 150 }), b: fc.integer({ min: 0, max: 150 }), k: fc.nat(2) })
      .map(({ a, b, k }): Predicate => {
        const [min, max] = [Math.min(a, b), Math.max(a, b)];
        return k === 0
          ? { op: 'age', on: '2025-06-02', min, max }
          : k === 1
            ? { op: 'age', on: '2025-06-02', min }
            : { op: 'age', on: '2025-06-02', max };
      }),
    fc
      .uniqueArray(fc.constantFrom(...PersonCategories), { minLength: 1 })
      .map((xs): Predicate => ({ op: 'category', in: xs })),
    fc
      .record({ flag: fc.constantFrom('seriously_wounded', 'seriously_ill'), medical: fc.boolean() })
      .map(({ flag, medical }): Predicate => ({ op: 'health', flag, medical })),
    fc
      .uniqueArray(fc.constantFrom(...Sexes), { minLength: 1 })
      .map((xs): Predicate => ({ op: 'sex', in: xs })),
    fc
      .uniqueArray(fc.constantFrom(...FateStatuses), { minLength: 1, maxLength: 3 })
      .map((xs): Predicate => ({ op: 'status', dimension: 'fate', in: xs })),
    fc
      .uniqueArray(fc.constantFrom(...ExchangeStatuses), { minLength: 1, maxLength: 3 })
      .map((xs): Predicate => ({ op: 'status', dimension: 'exchange', in: xs })),
    fc
      .uniqueArray(fc.constantFrom('UA', 'PL', 'GE'), { minLength: 1 })
      .map((xs): Predicate => ({ op: 'citizenship', in: xs })),
  );
  const tree = fc.letrec<{ p: Predicate }>((tie) => ({
    p: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((of): Predicate => ({ op: 'all', of })),
      fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((of): Predicate => ({ op: 'any', of })),
      tie('p').map((of): Predicate => ({ op: 'not', of })),
    ),
  })).p;
  const render = (locale: 'uk' | 'ru' | 'en', p: Predicate) =>
    describePredicateParts(p)
      .map((part) => formatMessage(locale, part.code, part.params))
      .join('');

  it('joined in English give the English description; in Ukrainian and Russian no English word is left', () => {
    fc.assert(
      fc.property(tree, (p) => {
        expect(render('en', p)).toBe(describePredicate(p));
        for (const locale of ['uk', 'ru'] as const) {
          const text = render(locale, p);
          expect(latinWords(text), text).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads the scenarios’ categories in each language', () => {
    const p = P.all(P.servicemember(), P.ageBetween(18, 25, '2025-06-02'));
    expect(render('uk', p)).toBe('військовослужбовець і віком 18–25 років на 2025-06-02');
    expect(render('ru', p)).toBe('военнослужащий и в возрасте 18–25 лет на 2025-06-02');
    expect(render('uk', P.seriouslyWounded())).toBe('тяжке поранення (за медичним висновком)');
    expect(render('ru', { op: 'age', on: '2025-06-02', min: 21 })).toBe(
      'в возрасте от 21 года на 2025-06-02',
    );
  });
});
