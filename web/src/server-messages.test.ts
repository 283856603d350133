import { describe, expect, it } from 'vitest';
import { bulletinDefinitionText, predicateText, rowErrorText, warningText } from './server-messages.ts';

// METRIC_DEFINITIONS.direction as bulletins sign it (src/i18n/messages.test.ts ties the catalogue to it;
// the web cannot import the domain module, which pulls node:crypto).
const SIGNED_DIRECTION = 'the party that received the people or remains';

const warning = {
  message: 'planned 6 to party-b in military, handed over 5',
  code: 'msg.warning.planned_count',
  params: { planned: 6, direction: 'party-b', category: 'military', handedOver: 5 },
};
const names = {
  party: (id: string) => (id === 'party-b' ? 'Сторона Б' : id),
  category: () => 'військовослужбовці',
};

describe('server messages in the web', () => {
  it('a warning: from its code in the reader’s language, with the page’s names; the text without a code', () => {
    expect(warningText('en', warning)).toBe(warning.message);
    expect(warningText('uk', warning, names)).toBe(
      'заплановано 6 для сторони Сторона Б у категорії військовослужбовці, передано 5',
    );
    expect(warningText('ru', { message: 'older server' })).toBe('older server');
  });

  it('a predicate: its parts joined, or the English text when a response has no parts', () => {
    const c = {
      predicate: 'servicemember',
      predicateParts: [
        { code: 'msg.predicate.category', params: { value: 'servicemember', text: 'servicemember' } },
      ],
    };
    expect(predicateText('en', c)).toBe('servicemember');
    expect(predicateText('ru', c)).toBe('военнослужащий');
    expect(predicateText('uk', { predicate: 'anyone' })).toBe('anyone');
  });

  it('a row error: the detailed English message in English, its code’s text otherwise', () => {
    const r = { code: 'TOO_MANY_ERRORS', params: { omitted: 3 }, message: '3 more errors were omitted; …' };
    expect(rowErrorText('en', r)).toBe(r.message);
    expect(rowErrorText('uk', r)).toMatch(/^Ще 3 помилки не показано/);
    expect(rowErrorText('ru', { code: 'REQUIRED', message: 'family_name is required' })).toBe(
      'Это значение обязательно.',
    );
  });

  it('a signed bulletin definition: translated only when it is the text the catalogue translates', () => {
    expect(bulletinDefinitionText('uk', 'direction', SIGNED_DIRECTION)).toEqual({
      text: 'сторона, яка прийняла людей або тіла',
      lang: 'uk',
    });
    expect(bulletinDefinitionText('uk', 'direction', 'a definition of another version')).toEqual({
      text: 'a definition of another version',
      lang: 'en',
    });
  });
});
