import { expect, type Page, test } from '@playwright/test';

// The demo node (`homeward demo`) holds one exchange with a confirmed stage (stage-0, published in a
// bulletin: 20 servicemembers and 3 civilians each way, src/demo/public-bulletin-demo.ts) and a stage in
// progress (stage-1). Reports are printable pages from the API; the public bulletin needs no sign-in.

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(`demo-${username}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('registry-page')).toBeVisible();
}

test('the public bulletin needs no sign-in: totals, withheld small cells, a chart of the stages, how to verify', async ({
  page,
}) => {
  await page.goto('/bulletin');
  await expect(page).toHaveURL(/\/bulletin$/); // not sent to the login page
  await expect(page.getByTestId('bulletin-page')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Public bulletin');
  const totals = page.getByTestId('bulletin-total');
  await expect(totals).toHaveCount(2);
  await expect(totals.first().locator('.bulletin-big')).toHaveText('23');
  // Three civilians each way: withheld, with the military count of the same group.
  await expect(page.getByTestId('suppressed').first()).toBeVisible();
  expect(await page.getByTestId('suppressed').count()).toBeGreaterThanOrEqual(4);
  const bars = page.getByTestId('chart-bar');
  await expect(bars).toHaveCount(2);
  await expect(bars.first()).toHaveAttribute('data-value', '23');
  await expect(page.getByTestId('bulletin-definitions')).toContainText('Receiving party');
  await expect(page.getByTestId('verify-command')).toHaveText('homeward bulletin verify bulletin.json');
  // A demo node says its synthetic signatures will not pass `bulletin verify`.
  await expect(page.getByTestId('bulletin-demo-note')).toContainText('demo --scenario may-2025');
  const download = page.waitForEvent('download');
  await page.getByTestId('bulletin-download').click();
  expect((await download).suggestedFilename()).toBe('bulletin.json');
  // No names or registry references on a public page.
  expect(await page.content()).not.toContain('person:');
  await page.screenshot({ path: 'test-results/bulletin-page.png', fullPage: true });

  await page.getByTestId('language-switcher').selectOption('uk');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Публічний бюлетень');
  await expect(page.getByTestId('suppressed').first()).toHaveText('приховано');
  await page.getByTestId('language-switcher').selectOption('ru');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Публичный бюллетень');
  await page.getByTestId('language-switcher').selectOption('en');
});

test('reports: the act as printable HTML and as PDF (headless Chromium), links on the exchanges page', async ({
  page,
}) => {
  await signIn(page, 'mediator');
  await page.getByRole('link', { name: 'Exchanges' }).click();
  const exchange = page.locator('[data-exchange-id="demo-exchange-65"]');
  await expect(exchange.getByTestId('report-dossier')).toBeVisible();
  const href = await exchange.getByTestId('report-act').last().getAttribute('href');
  expect(href).toMatch(/\/act\?format=html&lang=en$/); // in the reader's language

  const html = await page.request.get('/api/exchanges/demo-exchange-65/stages/stage-0/act?format=html');
  expect(html.status()).toBe(200);
  const text = await html.text();
  expect(text).toContain('Акт передачі етапу');
  expect(text).toContain('Stage handover act');
  expect(text.match(/data-signed-hash="/g)).toHaveLength(3);

  const pdf = await page.request.get('/api/exchanges/demo-exchange-65/stages/stage-0/act?format=pdf', {
    timeout: 60_000,
  });
  expect(pdf.status(), await pdf.text().catch(() => '')).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const bytes = await pdf.body();
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
  expect(bytes.length).toBeGreaterThan(5000);

  // The act opens in the browser as a page of its own, printable.
  const act = await page.context().newPage();
  await act.goto('/api/exchanges/demo-exchange-65/stages/stage-1/act');
  await expect(act.locator('h1')).toContainText('Stage handover act');
  await act.screenshot({ path: 'test-results/stage-act.png', fullPage: false });
  await act.close();

  for (const k of ['reconciliation', 'progress', 'dossier']) {
    const res = await page.request.get(`/api/exchanges/demo-exchange-65/reports/${k}`);
    expect(res.status(), k).toBe(200);
  }
  // Signed out: reports are refused.
  await page.context().clearCookies();
  const anon = await page.request.get('/api/exchanges/demo-exchange-65/reports/progress');
  expect(anon.status()).toBe(401);
});
