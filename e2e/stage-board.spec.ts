import { expect, type Page, test } from '@playwright/test';

// The demo node holds one exchange with a stage in progress (`homeward demo`, src/demo/stage-board-demo.ts):
// synthetic people, some lines already recorded. A field officer runs part of the stage on a tablet.

test.use({ viewport: { width: 1024, height: 768 }, hasTouch: true });

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

const count = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

test('a field officer records handovers on the stage board and the live counts follow', async ({ page }) => {
  await signIn(page, 'field_officer');
  await page.getByRole('link', { name: 'Exchanges' }).click();
  await expect(page).toHaveURL(/\/exchanges$/);
  const exchange = page.locator('[data-exchange-id="demo-exchange-65"]');
  await exchange.getByTestId('open-board').first().click();
  await expect(page).toHaveURL(/\/exchanges\/demo-exchange-65\/stages\/stage-1$/);
  await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'in_progress');

  const handedA = 'count-party-a-total-handedOver';
  const pendingA = 'count-party-a-total-pending';
  await expect(page.getByTestId(handedA)).toBeVisible();
  const before = { handed: await count(page, handedA), pending: await count(page, pendingA) };
  expect(before.pending).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/stage-board-top.png', fullPage: false });
  // Lines to Party A name registry persons of this node (synthetic), as the projection allows.
  const line = page.locator('[data-testid="board-line"][data-direction="party-a"]').first();
  const entryId = await line.getAttribute('data-entry-id');
  await expect(line.getByTestId('line-name')).not.toHaveText('Not in this registry');

  // A big touch target, one tap, no page reload.
  const button = line.getByTestId('act-handed-over');
  const box = await button.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
  await page.evaluate(() => {
    (globalThis as unknown as { marker: number }).marker = 1;
  });
  await button.tap();
  await expect(page.getByTestId('board-saved')).toBeVisible();
  await expect(page.getByTestId(handedA)).toHaveText(String(before.handed + 1));
  await expect(page.getByTestId(pendingA)).toHaveText(String(before.pending - 1));
  await expect(page.locator(`[data-entry-id="${entryId}"]`)).toHaveCount(0); // left the pending list
  expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(1);

  // A refusal at the crossing shows as an exception, not as a handover.
  const exceptionsB = 'count-party-b-total-exceptions';
  const handedB = 'count-party-b-total-handedOver';
  const b0 = { exceptions: await count(page, exceptionsB), handed: await count(page, handedB) };
  await page
    .locator('[data-testid="board-line"][data-direction="party-b"]')
    .first()
    .getByTestId('act-refused')
    .tap();
  await expect(page.getByTestId(exceptionsB)).toHaveText(String(b0.exceptions + 1));
  await expect(page.getByTestId(handedB)).toHaveText(String(b0.handed));
  await expect(page.getByTestId('discrepancy-party-b-refused_at_crossing')).toBeVisible();

  // The recorded line shows its outcome.
  await page.getByTestId('show-done').click();
  await expect(page.locator(`[data-entry-id="${entryId}"]`).getByTestId('line-outcome')).toHaveAttribute(
    'data-outcome',
    'handed_over',
  );
  await page.screenshot({ path: 'test-results/stage-board.png', fullPage: false });

  // Another officer's handover (through the API) reaches this board within a few seconds, unasked.
  const board = await (await page.request.get('/api/exchanges/demo-exchange-65/stages/stage-1')).json();
  const pending = (board as { lines: { entryId: string; direction: string; record: unknown }[] }).lines.find(
    (l) => l.direction === 'party-a' && l.record === null,
  );
  expect(pending).toBeDefined();
  const csrf = ((await (await page.request.get('/api/session')).json()) as { csrfToken: string }).csrfToken;
  const res = await page.request.post('/api/exchanges/demo-exchange-65/stages/stage-1/handovers', {
    headers: { 'x-csrf-token': csrf },
    data: {
      entryId: pending!.entryId,
      identityCheck: null,
      willingness: 'not_asked',
      fitness: 'not_assessed',
      outcome: 'not_handed_over',
      crossedAt: null,
      discrepancies: ['not_presented'],
    },
  });
  expect(res.status()).toBe(201);
  await expect(page.getByTestId(pendingA)).toHaveText(String(before.pending - 2), { timeout: 10_000 });
});

test('a mediator reads the board but has no handover controls', async ({ page }) => {
  await signIn(page, 'mediator');
  await page.goto('/exchanges/demo-exchange-65/stages/stage-1');
  await expect(page.getByTestId('count-party-a-total-planned')).toBeVisible();
  await expect(page.getByTestId('act-handed-over')).toHaveCount(0);
});
