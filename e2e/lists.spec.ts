import { expect, type Page, test } from '@playwright/test';

// The demo node seeds both sides' lists on its exchange (src/demo/lists-demo.ts): our request, signed,
// and the counterpart's offer imported from a synthetic CSV, every row flagged.

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

test('the lists screen shows our list and the counterpart’s side by side, flags visible', async ({
  page,
}) => {
  await signIn(page, 'list_officer');
  await page.getByRole('link', { name: 'Exchanges' }).click();
  await page.locator('[data-exchange-id="demo-exchange-65"]').getByTestId('open-lists').click();
  await expect(page).toHaveURL(/\/exchanges\/demo-exchange-65\/lists$/);

  const ours = page.getByTestId('our-list');
  const theirs = page.getByTestId('their-list');
  await expect(ours.getByTestId('list-version')).toBeVisible();
  await expect(theirs.getByTestId('list-version')).toBeVisible();
  // Side by side: the two columns share a row on a wide screen.
  const [a, b] = [await ours.boundingBox(), await theirs.boundingBox()];
  expect(a && b && Math.abs(a.y - b.y) < 5 && b.x > a.x + a.width - 1).toBe(true);

  // What the server says about each version, to check the screen against.
  const versions = (
    (await (await page.request.get('/api/exchanges/demo-exchange-65/lists')).json()) as {
      items: { id: string; kind: string; entryCount: number }[];
    }
  ).items;
  const their = versions.find((v) => v.kind === 'their_offer')!;
  const detail = (await (
    await page.request.get(`/api/exchanges/demo-exchange-65/lists/${their.id}`)
  ).json()) as {
    entries: { flags: string[] }[];
    flagCounts: Record<string, number>;
  };
  const rows = theirs.getByTestId('list-entry');
  await expect(rows).toHaveCount(their.entryCount);
  const our = versions.find((v) => v.kind === 'our_request')!;
  await expect(ours.getByTestId('list-entry')).toHaveCount(our.entryCount);

  // Every row shows its flags as badges, and the counts per flag head the list.
  const flagged = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-flags') ?? ''));
  expect(flagged).toEqual(detail.entries.map((e) => e.flags.join(' ')));
  expect(flagged.some((f) => f.includes('unknown'))).toBe(true);
  expect(flagged.some((f) => f.includes('duplicate_within_list'))).toBe(true);
  expect(flagged.some((f) => f.includes('ineligible_for_category'))).toBe(true);
  await expect(theirs.getByTestId('flag-counts')).toContainText(`matched: ${detail.flagCounts.matched}`);
  await expect(theirs.getByTestId('flag-counts')).toContainText('duplicate in list: 1');
  const ineligible = theirs
    .locator('[data-testid="list-entry"][data-flags*="ineligible_for_category"]')
    .first();
  await expect(ineligible).toContainText('ineligible for category');
  await expect(ineligible).toContainText('not civilian'); // the reason, from the category's predicate
  // A matched row explains its score.
  const matched = theirs.locator('[data-testid="list-entry"][data-flags^="matched"]').first();
  await matched.getByTestId('match-explanation').locator('summary').click();
  await expect(matched.getByTestId('match-explanation')).toContainText(/score \d/);

  // The flag filter narrows the counterpart's list to one kind of problem.
  await page.getByTestId('flag-filter').selectOption('unknown');
  await expect(rows).toHaveCount(detail.flagCounts.unknown!);
  for (const f of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-flags'))))
    expect(f).toContain('unknown');
  await page.getByTestId('flag-filter').selectOption('all');
  await page.screenshot({ path: 'test-results/lists.png', fullPage: true });
});
