import { expect, type Page, test } from '@playwright/test';

// The demo node seeds a small stage-2 in progress on its exchange (src/demo/stage-end-demo.ts), apart
// from stage-1 (stage-board.spec.ts). A coordinator finishes it from the board: the remaining lines,
// reconciliation, a justification for each warning, and this node's confirmation signature (the demo
// node acts as Party A); the other party and the mediator sign on their own nodes.

test.use({ viewport: { width: 1024, height: 900 } });

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

const count = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

test('a coordinator finishes a stage on the board: record, reconcile, justify, sign', async ({ page }) => {
  await signIn(page, 'coordinator');
  await page.getByRole('link', { name: 'Exchanges' }).click();
  const stage2 = page.locator('[data-exchange-id="demo-exchange-65"] tr', { hasText: 'stage-2' });
  await stage2.getByTestId('open-board').click();
  await expect(page).toHaveURL(/\/exchanges\/demo-exchange-65\/stages\/stage-2$/);
  await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'in_progress');
  await page.evaluate(() => {
    (globalThis as unknown as { marker: number }).marker = 1;
  });

  // Lines are pending: reconciling is not offered yet.
  const state = page.getByTestId('board-reconcile-state');
  const pending = Number(await state.getAttribute('data-pending'));
  expect(pending).toBeGreaterThan(1);
  await expect(page.getByTestId('reconcile-stage')).toBeDisabled();
  await expect(page.getByTestId('sign-confirmation')).toHaveCount(0);

  // Record the remaining lines: one refusal to Party B, everyone else handed over.
  const b0 = {
    handed: await count(page, 'count-party-b-total-handedOver'),
    pending: await count(page, 'count-party-b-total-pending'),
    exceptions: await count(page, 'count-party-b-total-exceptions'),
  };
  await page
    .locator('[data-testid="board-line"][data-direction="party-b"]')
    .first()
    .getByTestId('act-refused')
    .click();
  await expect(state).toHaveAttribute('data-pending', String(pending - 1));
  for (let left = pending - 1; left > 0; left--) {
    await page.getByTestId('board-line').first().getByTestId('act-handed-over').click();
    await expect(state).toHaveAttribute('data-pending', String(left - 1));
  }
  await expect(page.getByTestId('board-line')).toHaveCount(0);
  await expect(page.getByTestId('count-party-b-total-handedOver')).toHaveText(
    String(b0.handed + b0.pending - 1),
  );
  await expect(page.getByTestId('count-party-b-total-exceptions')).toHaveText(String(b0.exceptions + 1));

  // The refusal breaks the plan to Party B and the 1:1 ratio: two warnings, unjustified.
  const warnings = page.getByTestId('stage-warning');
  await expect(warnings).toHaveCount(2);
  await expect(page.locator('[data-warning-id="ratio:parity:stage-2"]')).toContainText('Ratio not met');
  await expect(page.locator('[data-warning-id="planned_count:stage-2:party-b:military"]')).toBeVisible();

  // Reconcile: the status changes on the board without a reload.
  await page.getByTestId('reconcile-stage').click();
  await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'reconciled');
  await expect(page.getByTestId('board-saved')).toHaveText('The stage is reconciled.');
  await expect(page.getByTestId('board-not-in-progress')).toBeVisible();
  await expect(page.getByTestId('act-handed-over')).toHaveCount(0);
  const hash = (await page.getByTestId('reconciliation-hash').textContent()) ?? '';
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  // Signing waits for the justifications.
  await expect(page.getByTestId('sign-confirmation')).toBeDisabled();

  for (const id of ['ratio:parity:stage-2', 'planned_count:stage-2:party-b:military']) {
    const w = page.locator(`[data-testid="stage-warning"][data-warning-id="${id}"]`);
    await w.getByTestId('justify-code').selectOption('refusal_at_crossing');
    await w.getByTestId('justify-note').fill('One person refused at the crossing (ICRC interview).');
    await w.getByTestId('justify-submit').click();
    await expect(w).toHaveAttribute('data-justified', 'true');
    await expect(w.getByTestId('warning-justification')).toContainText(
      'Justified: refusal at the crossing (by Party A)',
    );
  }
  // Justifications are part of what is signed: the hash moved.
  await expect(page.getByTestId('reconciliation-hash')).not.toHaveText(hash);
  const signedHash = await page.getByTestId('reconciliation-hash').textContent();

  await page.getByTestId('sign-confirmation').click();
  await expect(page.getByTestId('board-saved')).toHaveText('Confirmation signed as Party A.');
  await expect(page.locator('[data-testid="confirmation"][data-signer="party-a"]')).toContainText(
    'Party A (party)',
  );
  await expect(page.getByTestId('board-signed-by-me')).toBeVisible();
  await expect(page.getByTestId('board-awaiting')).toContainText('Party B');
  await expect(page.getByTestId('board-awaiting')).toContainText('a mediator');
  // Confirmed needs Party B and the mediator too; justifications are now frozen.
  await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'reconciled');
  await expect(page.getByTestId('justify-form')).toHaveCount(0);
  expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(1);
  await page.screenshot({ path: 'test-results/stage-end.png', fullPage: true });

  // The server holds the signature over the hash shown, as Party A, and counts stayed derived.
  const board = (await (await page.request.get('/api/exchanges/demo-exchange-65/stages/stage-2')).json()) as {
    status: string;
    reconciliationHash: string;
    confirmations: { signer: string; role: string }[];
    reconciliation: { totals: Record<string, { handedOver: number; pending: number }> };
  };
  expect(board.reconciliationHash).toBe(signedHash);
  expect(board.confirmations.map((c) => [c.signer, c.role])).toEqual([['party-a', 'party']]);
  expect(board.reconciliation.totals['party-b']!.pending).toBe(0);
  // Signing twice is refused by the domain; the board says so.
  const csrf = ((await (await page.request.get('/api/session')).json()) as { csrfToken: string }).csrfToken;
  const again = await page.request.post('/api/exchanges/demo-exchange-65/stages/stage-2/confirmations', {
    headers: { 'x-csrf-token': csrf },
    data: {},
  });
  expect(again.status()).toBe(422);
});

test('a mediator reads the end of a stage without actions', async ({ page }) => {
  await signIn(page, 'mediator');
  await page.goto('/exchanges/demo-exchange-65/stages/stage-2');
  await expect(page.getByTestId('board-end')).toBeVisible();
  await expect(page.getByTestId('reconcile-stage')).toHaveCount(0);
  await expect(page.getByTestId('justify-form')).toHaveCount(0);
  await expect(page.getByTestId('sign-confirmation')).toHaveCount(0);
  await expect(page.getByTestId('board-no-substitutions')).toBeVisible();
});
