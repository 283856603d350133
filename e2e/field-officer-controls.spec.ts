import { expect, type Page, test } from '@playwright/test';

// The UI offers only what the role may do (src/domain/access.ts): on the demo stage in progress a
// field officer gets the handover buttons and nothing of the end of the stage (reconcile, justify,
// sign the confirmation, propose or approve substitutions); a coordinator gets both.

async function openBoard(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
  await page.goto('/exchanges/demo-exchange-65/stages/stage-1');
  await expect(page.getByTestId('board-status')).toHaveAttribute('data-status', 'in_progress');
  await expect(page.getByTestId('board-line').first()).toBeVisible();
}

const endOfStageControls = [
  'reconcile-stage',
  'justify-form',
  'sign-confirmation',
  'substitution-form',
  'approve-substitution',
];

test('a field officer sees the handover controls only', async ({ page }) => {
  await openBoard(page, 'field_officer');
  await expect(page.getByTestId('act-handed-over').first()).toBeVisible();
  await expect(page.getByTestId('board-end')).toBeVisible(); // the state of the stage is shown
  for (const id of endOfStageControls) await expect(page.getByTestId(id), id).toHaveCount(0);
});

test('a coordinator sees the handover controls and the end of the stage', async ({ page }) => {
  await openBoard(page, 'coordinator');
  await expect(page.getByTestId('act-handed-over').first()).toBeVisible();
  await expect(page.getByTestId('reconcile-stage')).toBeVisible();
});

test('a mediator sees the board without any control', async ({ page }) => {
  await openBoard(page, 'mediator');
  await expect(page.getByTestId('act-handed-over')).toHaveCount(0);
  for (const id of endOfStageControls) await expect(page.getByTestId(id), id).toHaveCount(0);
});
