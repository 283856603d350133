import { expect, type Page, test } from '@playwright/test';

// The demo node's exchange runs under a May-2025-shaped "1,000 for 1,000" agreement signed by both
// parties and the mediator (src/domain/exchange/testing.ts). The agreement screen shows it in words.

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

test('the agreement screen shows categories, rules, signatures and whether it is in force', async ({
  page,
}) => {
  await signIn(page, 'mediator');
  await page.getByRole('link', { name: 'Exchanges' }).click();
  await page.locator('[data-exchange-id="demo-exchange-65"]').getByTestId('open-agreement').click();
  await expect(page).toHaveURL(/\/exchanges\/demo-exchange-65\/agreement$/);
  const api = (await (await page.request.get('/api/exchanges/demo-exchange-65/agreement')).json()) as {
    hash: string;
    categories: { id: string; predicate: string }[];
    signatures: { signer: string }[];
    targets: { direction: string; handedOver: number }[];
  };

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Agreement: 1,000 for 1,000');
  // In force: every party and the mediator signed this version's hash.
  await expect(page.getByTestId('agreement-in-force')).toHaveAttribute('data-in-force', 'true');
  await expect(page.getByTestId('agreement-in-force')).toHaveText('In force');
  await expect(page.getByTestId('agreement-parties')).toContainText('Party A');

  // Categories with who qualifies, in words.
  const categories = page.getByTestId('agreement-category');
  await expect(categories).toHaveCount(api.categories.length);
  await expect(page.locator('[data-category-id="military"]').getByTestId('category-predicate')).toHaveText(
    'servicemember',
  );
  await expect(page.locator('[data-category-id="civilian"]').getByTestId('category-predicate')).toHaveText(
    'civilian',
  );

  // Rules: 1:1 parity between the parties.
  await expect(page.locator('[data-rule-id="parity"]')).toContainText('Ratio 1 : 1 (Party A : Party B)');

  // Signatures: one row per signer, each over this version's hash.
  await expect(page.getByTestId('agreement-hash')).toHaveText(api.hash);
  const signatures = page.getByTestId('agreement-signature');
  await expect(signatures).toHaveCount(api.signatures.length);
  for (const signer of ['party-a', 'party-b', 'mediator-m'])
    await expect(
      page
        .locator(`[data-testid="agreement-signature"][data-signer="${signer}"]`)
        .getByTestId('signature-covers'),
    ).toHaveAttribute('data-covers', 'true');
  await expect(page.getByTestId('agreement-missing-signers')).toHaveCount(0);

  // Progress against the targets is what the handover records say.
  for (const t of api.targets) {
    const row = page.locator(`[data-testid="agreement-target"][data-direction="${t.direction}"]`);
    await expect(row.getByTestId('target-handed-over')).toHaveText(String(t.handedOver));
    expect(t.handedOver).toBeGreaterThan(0);
  }
  await expect(page.locator('[data-testid="agreement-stage"][data-stage-id="stage-0"]')).toContainText(
    'confirmed',
  );
  await page.screenshot({ path: 'test-results/agreement.png', fullPage: true });

  // Bilingual labels.
  await page.getByTestId('language-switcher').selectOption('uk');
  await expect(page.getByTestId('agreement-in-force')).toHaveText('Чинна');
  await expect(page.getByRole('heading', { name: 'Підписи' })).toBeVisible();
  await page.getByTestId('language-switcher').selectOption('en');
});
