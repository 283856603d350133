import { expect, type Page, test } from '@playwright/test';

// The UI in Ukrainian and Russian shows no English that the server wrote: the stage board (rule
// warnings), the lists (categories, eligibility reasons, match explanations), the agreement
// (predicate descriptions, warnings), the public bulletin (definitions) and the reports (values,
// dates). The browser asks in the language (navigator.language and Accept-Language), as a reader
// in Kyiv or Moscow would; demo data (party names, titles, crossing points) stays as entered.
// The web translates what it labels itself; the server half of issue 12 turns its own texts into
// codes (rule warnings, predicate descriptions and eligibility reasons, the bulletin's signed
// definitions, report labels, values and dates): the stage-1 board, agreement, lists, bulletin and
// report checks pass once both have landed.

/** English the server writes, as it would reach the screen untranslated. */
const ENGLISH_SERVER_TEXT: { what: string; pattern: RegExp }[] = [
  // Rule warnings (src/domain/exchange/rules.ts): "planned 6 to party-a in civilian, handed over 0".
  { what: 'rule warning', pattern: /\bplanned \d+ to\b|\bnot met\b|\bcrossed to\b|\btarget \d+ to\b/ },
  {
    what: 'rule warning',
    pattern: /\bhanded over\b|\bin category\b|\bwithout meeting\b|\beligibility is unknown\b/i,
  },
  // Predicate descriptions (src/domain/exchange/describe-predicate.ts) and eligibility reasons.
  {
    what: 'predicate',
    pattern: /\banyone\b|\baged \d|\bcitizen of\b|\bmedical determination\b|\bas recorded\b/,
  },
  {
    what: 'predicate',
    pattern: /\bcategory [a-z_]+|\b(?:fate|exchange|legal) status\b|\bsex (?:male|female)\b/,
  },
  // A code shown as it is: report values (handed_over, refused_at_crossing), statuses, categories.
  { what: 'raw code', pattern: /\b[a-z]+(?:_[a-z]+)+\b/ },
  {
    what: 'English value',
    pattern:
      /\b(?:military|civilians?|servicemembers?|confirmed|in progress|planned|refused|withdrawn|deceased|persons|remains|none)\b/i,
  },
  // Report labels in English beside the reader's language ("Дата / Date").
  {
    what: 'English label',
    pattern: /\b(?:Exchange|Agreement|Stage|Date|Status|Total|Warnings|Signatures)\b/,
  },
  // Dates and instants as raw ISO instead of the reader's format.
  { what: 'ISO date', pattern: /\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?/ },
];

/** Every piece of English server text in `text`, with a little context, for a readable failure. */
function englishIn(screen: string): string[] {
  // Identifiers are not text: a warning's id ("planned_count:stage-1:party-a:civilian"), a person
  // reference ("person:dp-am-0"), a ratio ("1:1"); nor is a value quoted as it stands in a file
  // («handed_over» in the bulletin's definitions, which name the values of bulletin.json).
  const text = screen.replace(/\S+:\S+/g, ' ').replace(/«[^»\s]*»/g, ' ');
  const found: string[] = [];
  for (const { what, pattern } of ENGLISH_SERVER_TEXT) {
    const global = new RegExp(pattern.source, `${pattern.flags}g`);
    for (const m of text.matchAll(global)) {
      const at = m.index ?? 0;
      found.push(`${what}: “${m[0]}” in “${text.slice(Math.max(0, at - 30), at + m[0].length + 30)}”`);
      if (found.length > 40) return found;
    }
  }
  return found;
}

const LANGUAGES = [
  {
    lang: 'uk',
    locale: 'uk-UA',
    board: 'Табло етапу',
    bulletin: 'Публічний бюлетень',
    agreement: 'Угода',
    entries: { one: 'запис', few: 'записи', many: 'записів' },
  },
  {
    lang: 'ru',
    locale: 'ru-RU',
    board: 'Табло этапа',
    bulletin: 'Публичный бюллетень',
    agreement: 'Соглашение',
    entries: { one: 'запись', few: 'записи', many: 'записей' },
  },
] as const;

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

/** The text of the page's main region (the header holds the user's name and the language names). */
// innerText, not textContent: what is on screen (closed details and hidden text are not).
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
const mainText = (page: Page) => page.locator('main').innerText();

for (const L of LANGUAGES) {
  test.describe(`the UI in ${L.lang}`, () => {
    test.use({ locale: L.locale });

    test(`stage board, agreement and lists show no English server text (${L.lang})`, async ({ page }) => {
      await signIn(page, 'mediator');
      await expect(page.getByTestId('language-switcher')).toHaveValue(L.lang);

      // A stage in progress, with rule warnings, and a confirmed stage with its signatures.
      for (const stage of ['stage-1', 'stage-0']) {
        await page.goto(`/exchanges/demo-exchange-65/stages/${stage}`);
        await expect(page.getByRole('heading', { level: 1 })).toContainText(L.board);
        await expect(page.getByTestId('board-status')).toBeVisible();
        await expect(page.getByTestId('board-updated')).not.toBeEmpty();
        if (stage === 'stage-1') await expect(page.getByTestId('stage-warning').first()).toBeVisible();
        expect.soft(englishIn(await mainText(page)), `stage board ${stage}`).toEqual([]);
      }

      await page.goto('/exchanges/demo-exchange-65/agreement');
      await expect(page.getByRole('heading', { level: 1 })).toContainText(L.agreement);
      await expect(page.getByTestId('agreement-warnings')).toBeVisible();
      expect.soft(englishIn(await mainText(page)), 'agreement').toEqual([]);

      await page.goto('/exchanges/demo-exchange-65/lists');
      const theirs = page.getByTestId('their-list');
      await expect(theirs.getByTestId('list-entry').first()).toBeVisible();
      await expect(page.getByTestId('our-list').getByTestId('list-entry').first()).toBeVisible();
      // Open every match explanation, so its text is on screen too.
      for (const details of await page.getByTestId('match-explanation').all())
        await details.locator('summary').click();
      expect.soft(englishIn(await mainText(page)), 'lists').toEqual([]);

      // "N entries" in the language's plural form, for the counts the server reports.
      const versions = (
        (await (await page.request.get('/api/exchanges/demo-exchange-65/lists')).json()) as {
          items: { kind: string; entryCount: number }[];
        }
      ).items;
      const plural = new Intl.PluralRules(L.locale);
      for (const v of versions) {
        const form = plural.select(v.entryCount) as keyof typeof L.entries;
        expect(Object.keys(L.entries), `plural form of ${v.entryCount}`).toContain(form);
        await expect(
          page
            .getByTestId('list-version')
            .filter({ hasText: `${v.entryCount} ${L.entries[form]} ` })
            .first(),
        ).toBeVisible();
      }
    });

    test(`the public bulletin and the reports show no English server text (${L.lang})`, async ({ page }) => {
      await page.goto('/bulletin');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(L.bulletin);
      await expect(page.getByTestId('bulletin-total').first()).toBeVisible();
      expect.soft(englishIn(await mainText(page)), 'bulletin').toEqual([]);

      await signIn(page, 'mediator');
      await page.goto('/exchanges');
      const exchange = page.locator('[data-exchange-id="demo-exchange-65"]');
      await expect(exchange.getByTestId('report-dossier')).toBeVisible();
      // The reports are the server's pages: the links ask for them in the reader's language.
      const links = [
        await exchange.getByTestId('report-act').last().getAttribute('href'),
        ...(await Promise.all(
          ['reconciliation', 'progress', 'dossier'].map((k) =>
            exchange.getByTestId(`report-${k}`).getAttribute('href'),
          ),
        )),
      ];
      for (const href of links) {
        expect(href, 'report link').toContain(`lang=${L.lang}`);
        await page.goto(href ?? '');
        await expect(page.locator('h1')).toBeVisible();
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
        const text = await page.locator('body').innerText();
        expect.soft(englishIn(text), `report ${href}`).toEqual([]);
      }
    });
  });
}
