import { expect, type Page, test } from '@playwright/test';

// The demo registry's duplicate candidates are queued by `homeward dedup` before the run
// (scripts/test-browser.js). Synthetic persons only.

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

test('an identity analyst reviews a candidate pair side by side and confirms it once', async ({ page }) => {
  await signIn(page, 'identity_analyst');
  await page.getByRole('link', { name: 'Match review' }).click();
  await expect(page).toHaveURL(/\/matches$/);
  const first = page.getByTestId('match-candidate').first();
  await expect(first).toBeVisible();
  const id = await first.getAttribute('data-match-id');
  await expect(first.getByTestId('match-person')).toHaveCount(2);
  await expect(first.getByTestId('match-why')).toContainText('Family name');
  await page.screenshot({ path: 'test-results/match-review.png', fullPage: false });

  await first.getByTestId('match-note').fill('same person, synthetic check');
  await first.getByTestId('match-confirm').click();
  await expect(page.locator(`[data-match-id="${id}"]`)).toHaveCount(0);

  await page.getByTestId('match-status').selectOption('confirmed');
  const decided = page.locator(`[data-match-id="${id}"]`);
  await expect(decided.getByTestId('match-decided')).toContainText('identity_analyst');
  await expect(decided.getByTestId('match-confirm')).toHaveCount(0);

  // Deciding again through the API is refused: a decision is final.
  const again = await page.request.post(`/api/matches/${id}/decision`, {
    data: { decision: 'reject' },
    headers: { 'x-csrf-token': await csrf(page) },
  });
  expect(again.status()).toBe(409);
});

test('a field officer has no match review', async ({ page }) => {
  await signIn(page, 'field_officer');
  await expect(page.getByRole('link', { name: 'Match review' })).toHaveCount(0);
  const res = await page.request.get('/api/matches');
  expect(res.status()).toBe(403);
});

async function csrf(page: Page): Promise<string> {
  const res = await page.request.get('/api/session');
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}
