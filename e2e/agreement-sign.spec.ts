import { expect, type Page, test } from '@playwright/test';

// The demo node holds a proposed agreement, agr-66, awaiting every signature (src/demo/agreement-draft-demo.ts).
// A coordinator signs it as this node's party from the exchanges screen.

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

test('a coordinator signs a proposed agreement from the exchanges screen; a reader only sees it', async ({
  browser,
}) => {
  const reader = await browser.newPage();
  await signIn(reader, 'auditor');
  await reader.getByRole('link', { name: 'Exchanges' }).click();
  const pendingForReader = reader.locator('[data-testid="pending-agreement"][data-agreement-id="agr-66"]');
  await expect(pendingForReader.getByTestId('agreement-awaiting')).toHaveText(
    'awaiting: party-a, party-b, mediator-m',
  );
  await expect(pendingForReader.getByTestId('sign-agreement')).toHaveCount(0);
  await reader.close();

  const page = await browser.newPage();
  await signIn(page, 'coordinator');
  await page.getByRole('link', { name: 'Exchanges' }).click();
  const pending = page.locator('[data-testid="pending-agreement"][data-agreement-id="agr-66"]');
  await expect(pending).toContainText('500 for 500 (demo)');
  await pending.getByTestId('sign-agreement').click();
  await expect(page.getByTestId('pending-agreement-result')).toHaveText(
    'Signed. The signature is on its way to the other signers.',
  );
  await expect(pending.getByTestId('agreement-signed')).toContainText('signed by: party-a');
  await expect(pending.getByTestId('agreement-awaiting')).toHaveText('awaiting: party-b, mediator-m');
  await expect(pending.getByTestId('sign-agreement')).toHaveCount(0);
  // The API says the same: this node's signature is held, the exchange waits for the others.
  const status = (await (
    await page.request.get('/api/exchanges/demo-exchange-66/agreement/status')
  ).json()) as {
    signed: { signer: string }[];
    started: boolean;
  };
  expect(status.signed.map((s) => s.signer)).toEqual(['party-a']);
  expect(status.started).toBe(false);
  await page.close();
});
