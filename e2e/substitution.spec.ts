import { expect, type Page, test } from '@playwright/test';

// The demo node's stage-1 has two reserve lines each way (src/demo/stage-board-demo.ts). A coordinator
// of Party A's node proposes a substitution; Party B (simulated on the demo node) has not approved it.

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

test('a coordinator proposes a substitution from the reserve; it waits for the other party', async ({
  page,
}) => {
  await signIn(page, 'coordinator');
  await page.goto('/exchanges/demo-exchange-65/stages/stage-1');
  const panel = page.getByTestId('substitution-panel');
  await expect(panel.getByTestId('substitution-form')).toBeVisible();
  // A line of Party B's direction not yet handed over, replaced by a reserve line of the same direction.
  const replaces = await panel
    .locator('[data-testid="subst-replaces"] option')
    .evaluateAll((os) =>
      os.map((o) => (o as unknown as { value: string }).value).find((v) => v.startsWith('dm-bm-')),
    );
  expect(replaces).toBeTruthy();
  await panel.getByTestId('subst-replaces').selectOption(replaces!);
  const reserve = await panel
    .locator('[data-testid="subst-by"] option')
    .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value).filter(Boolean));
  expect(reserve).toEqual(['dm-br-0', 'dm-br-1']); // only the same direction is offered
  await panel.getByTestId('subst-by').selectOption('dm-br-0');
  await panel.getByTestId('subst-reason').selectOption('not_presented');
  await panel.getByTestId('subst-propose').click();
  await expect(page.getByTestId('board-saved')).toContainText('Substitution proposed');
  const pending = panel.getByTestId('pending-substitution').filter({ hasText: `${replaces} → dm-br-0` });
  await expect(pending.getByTestId('substitution-awaiting')).toHaveText('awaiting party-b');
  // This node approved already: no second approval; the line is still on the board until B approves.
  await expect(pending.getByTestId('approve-substitution')).toHaveCount(0);
  const board = (await (await page.request.get('/api/exchanges/demo-exchange-65/stages/stage-1')).json()) as {
    lines: { entryId: string }[];
  };
  expect(board.lines.map((l) => l.entryId)).toContain(replaces);
  expect(board.lines.map((l) => l.entryId)).not.toContain('dm-br-0');
});
