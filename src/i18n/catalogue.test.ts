import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { type Catalogue, type Locale, Locales, localeTags } from './format.ts';
import en from './locales/en.json' with { type: 'json' };
import ru from './locales/ru.json' with { type: 'json' };
import uk from './locales/uk.json' with { type: 'json' };

const catalogues: Record<Locale, Catalogue> = { en, uk, ru };

/** The parts of an intl-messageformat AST element this test reads (ICU element kinds by number). */
interface Element {
  type: number;
  value?: unknown;
  options?: Record<string, { value: Element[] }>;
  children?: Element[];
}
const ARGUMENT = 1;
const NUMBER = 2;
const DATE = 3;
const TIME = 4;
const SELECT = 5;
const PLURAL = 6;
const TAG = 8;

/** Argument names a message uses (and its tags), and the branches of each plural in it. */
function argumentsOf(elements: Element[], out = new Set<string>(), plurals: Set<string>[] = []) {
  for (const el of elements) {
    if ([ARGUMENT, NUMBER, DATE, TIME, SELECT, PLURAL].includes(el.type)) out.add(String(el.value));
    if (el.type === SELECT || el.type === PLURAL) {
      if (el.type === PLURAL) plurals.push(new Set(Object.keys(el.options ?? {})));
      for (const option of Object.values(el.options ?? {})) argumentsOf(option.value, out, plurals);
    }
    if (el.type === TAG) out.add(`<${String(el.value)}>`);
    if (el.children) argumentsOf(el.children, out, plurals);
  }
  return { names: out, plurals };
}

function parse(locale: Locale, source: string) {
  return argumentsOf(new IntlMessageFormat(source, localeTags[locale]).getAst() as Element[]);
}

/** As `parse`, but a message that does not parse (reported by its own test) counts as empty. */
function parsed(locale: Locale, source: string) {
  try {
    return parse(locale, source);
  } catch {
    return argumentsOf([]);
  }
}

describe('message catalogues (src/i18n/locales)', () => {
  it('hold the same keys in every locale', () => {
    const all = new Set(Locales.flatMap((l) => Object.keys(catalogues[l])));
    for (const locale of Locales) {
      const missing = [...all].filter((k) => !catalogues[locale][k]?.trim());
      expect(missing, `keys missing or empty in ${locale}.json`).toEqual([]);
    }
  });

  it('keep their keys sorted (one place for each key, merges stay simple)', () => {
    for (const locale of Locales) {
      const keys = Object.keys(catalogues[locale]);
      expect(keys, `${locale}.json`).toEqual([...keys].sort());
    }
  });

  it('parse as ICU MessageFormat in every locale', () => {
    const broken: string[] = [];
    for (const locale of Locales) {
      for (const [key, source] of Object.entries(catalogues[locale])) {
        try {
          parse(locale, source);
        } catch (e) {
          broken.push(`${locale} ${key}: ${(e as Error).message}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('use the same argument names in every locale', () => {
    const differing: string[] = [];
    for (const [key, source] of Object.entries(catalogues.en)) {
      const reference = [...parsed('en', source).names].sort();
      for (const locale of Locales) {
        const other = catalogues[locale][key];
        if (other === undefined) continue; // reported by the first test
        const names = [...parsed(locale, other).names].sort();
        if (names.join() !== reference.join())
          differing.push(`${locale} ${key}: ${names} vs en ${reference}`);
      }
    }
    expect(differing).toEqual([]);
  });

  it("give every plural each of its locale's forms (uk, ru: one, few, many, other)", () => {
    const lacking: string[] = [];
    for (const locale of Locales) {
      const forms = new Intl.PluralRules(localeTags[locale]).resolvedOptions().pluralCategories;
      for (const [key, source] of Object.entries(catalogues[locale])) {
        for (const branches of parsed(locale, source).plurals) {
          const absent = forms.filter((f) => !branches.has(f));
          if (absent.length) lacking.push(`${locale} ${key}: no ${absent.join(', ')}`);
        }
      }
    }
    expect(lacking).toEqual([]);
  });

  it('a count is a plural wherever a message shows one with a noun', () => {
    // Messages whose argument is a count must be plurals in every locale ("1 entries" is the bug);
    // a count after a colon ("Off-manifest transfers: 3") needs none.
    const counted = [
      'lists.entries',
      'lists.candidates',
      'lists.imported',
      'lists.queued',
      'board.pendingLeft',
      'board.more',
      'login.throttled',
    ];
    for (const locale of Locales) {
      for (const key of counted) {
        expect(
          parsed(locale, catalogues[locale][key] ?? '').plurals.length,
          `${locale} ${key}`,
        ).toBeGreaterThan(0);
      }
    }
  });
});
