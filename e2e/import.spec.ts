import { expect, type Page, test } from '@playwright/test';

// Imports run as background jobs: the page shows the job's progress, then its outcome. Every person
// here is synthetic (generated names of no one).

async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('current-user')).toBeVisible();
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'vo', 'sta', 'dy', 'nek', 'por', 'zu'];
function syntheticCsv(rows: number, prefix: string): string {
  const lines = ['id,family_name,given_name,birth_date,category'];
  for (let i = 0; i < rows; i++) {
    const s = (k: number) => SYLLABLES[Math.floor(i / 10 ** k) % 10];
    const family = `Zy${s(0)}${s(1)}${s(2)}${s(3)}`;
    lines.push(
      `${prefix}-${i},${family},Test${s(1)},19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10},servicemember`,
    );
  }
  return `${lines.join('\n')}\n`;
}

test('a coordinator imports a large file: a progress bar while the job runs, then the counts', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, 'coordinator', 'demo-coordinator');
  await page.goto('/import');
  const rows = 15_000;
  await page.getByTestId('import-file').setInputFiles({
    name: 'synthetic.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(syntheticCsv(rows, `e2e-${Date.now()}`)),
  });
  await page.getByTestId('import-submit').click();
  const progress = page.getByTestId('job-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toBeVisible();
  // Meanwhile the node keeps answering.
  expect((await page.request.get('/api/health')).status()).toBe(200);
  await expect(page.getByTestId('import-result')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('import-created')).toHaveText(String(rows));
  await expect(page.getByTestId('import-total')).toHaveText(String(rows));
  await expect(progress).toHaveCount(0);
});

test('a file with bad rows is refused whole, every bad row by line and column', async ({ page }) => {
  await signIn(page, 'coordinator', 'demo-coordinator');
  await page.goto('/import');
  const csv =
    'id,family_name,birth_date\nbad-1,Zyka,1990-01-01\nbad-2,,1990-01-01\nbad-3,Zylo,31.02.1990\nbad-4,Zymi,1991-03-03\n';
  await page.getByTestId('import-file').setInputFiles({
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-rejected')).toBeVisible();
  const rows = page.getByTestId('import-error-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('3');
  await expect(rows.nth(0)).toContainText('family_name');
  await expect(rows.nth(1)).toContainText('4');
  await expect(rows.nth(1)).toContainText('birth_date');
  // Nothing of the file was imported, not even its good rows.
  const res = await page.request.get('/api/persons?q=Zyka');
  const body = (await res.json()) as { items: { names: { family: string }[] }[] };
  expect(body.items.some((p) => p.names.some((n) => n.family === 'Zyka'))).toBe(false);
});

test('a field officer has no import: the API refuses and nothing is queued', async ({ page }) => {
  await signIn(page, 'field_officer', 'demo-field_officer');
  const csrf = (await (await page.request.get('/api/session')).json()) as { csrfToken?: string };
  const res = await page.request.post('/api/imports/persons', {
    headers: { 'content-type': 'text/csv', 'x-csrf-token': csrf.csrfToken ?? '' },
    data: 'id,family_name\nfo-1,Zyfield\n',
  });
  expect(res.status()).toBe(403);
});
