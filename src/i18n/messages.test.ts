import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { PredicateMessages } from '../domain/exchange/describe-predicate.ts';
import { WarningMessages } from '../domain/exchange/rules.ts';
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
