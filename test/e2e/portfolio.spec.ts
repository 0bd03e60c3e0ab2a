import Database from 'better-sqlite3';
import path from 'node:path';
import { adminPassword, apiSession, demoTest as test, expect, signIn, signInAndWait } from './fixtures';

type Call = Awaited<ReturnType<typeof apiSession>>;

/** The open M2 loans as the database holds them, read independently of the back end's queries. */
function m2LoansInDatabase(dataDir: string): string[] {
  const database = new Database(path.join(dataDir, 'creditdesk.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = database.prepare(`SELECT external_id AS id FROM orders WHERE bucket = 'M2' AND status IN ('LOAN_SUCCESS', 'REPAYING', 'OVERDUE')`).all() as Array<{ id: string }>;
    return rows.map((row) => row.id).sort();
  } finally {
    database.close();
  }
}

/** An operator of `role`, password already changed, signed in over the API. */
async function operator(url: string, username: string, role: string): Promise<{ call: Call; password: string }> {
  const admin = await apiSession(url, 'admin', adminPassword);
  await admin('users:create', { username, displayName: username, role, password: 'first-day-harbor-9' });
  const first = await apiSession(url, username, 'first-day-harbor-9');
  const password = 'own-quiet-lantern-7';
  await first('auth:change-password', { currentPassword: 'first-day-harbor-9', newPassword: password });
  return { call: await apiSession(url, username, password), password };
}

/** Waits until the demo institutions' first sync has settled (the open-loan count stops moving). */
async function waitForLoanBook(call: Call): Promise<void> {
  let previous = -1;
  await expect
    .poll(
      async () => {
        const dashboard = await call<{ open: { loanCount: number } }>('portfolio:loans-dashboard', {});
        const stable = dashboard.open.loanCount > 0 && dashboard.open.loanCount === previous;
        previous = dashboard.open.loanCount;
        return stable;
      },
      { timeout: 150_000, intervals: [3000] },
    )
    .toBe(true);
}

test('support finds a borrower by phone, ID number tail and name, opens an overdue loan and sees its plan and DPD', async ({ page, demo }) => {
  test.setTimeout(240_000);
  const support = await operator(demo.url, 'helpdesk', 'support');
  await waitForLoanBook(support.call);
  const overdue = await support.call<{ rows: Array<{ id: number; externalId: string; borrowerId: number | null; dpd: number; planState: string }> }>('portfolio:loans-list', {
    scope: 'open',
    flag: 'overdue',
    sort: 'dpd',
    limit: 200,
  });
  const loan = overdue.rows.find((row) => row.borrowerId !== null && row.planState === 'booked' && row.dpd > 3);
  if (!loan) throw new Error('the demo book has no overdue loan with a booked plan');
  // What the borrower would tell support on the phone (revealed for the test through the audited API).
  const person = await support.call<{ name: string; phone: string; idNumber: string }>('borrowers:reveal', { id: loan.borrowerId, fields: ['name', 'phone', 'idNumber'], purpose: 'E2E: the caller on the phone' });

  await page.goto(demo.url);
  await signIn(page, 'helpdesk', support.password);
  await page.getByTestId('nav-borrowers').click();
  const search = page.getByTestId('borrower-search');
  const results = page.getByTestId('borrower-result');
  const maskedPhone = `${person.phone.slice(0, 3)}****${person.phone.slice(-4)}`;

  // By phone: one result, masked.
  await search.fill(person.phone);
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText(maskedPhone);
  await expect(page.getByText(person.phone, { exact: true })).toHaveCount(0);

  // By the last 4 characters of the ID number (what its mask shows; longer tails and prefixes match nothing).
  await search.fill(person.idNumber.slice(-4));
  await expect(results.filter({ hasText: maskedPhone })).toHaveCount(1);

  // By name, then open the borrower.
  await search.fill(person.name);
  const byName = results.filter({ hasText: maskedPhone });
  await expect(byName).toHaveCount(1);
  await byName.click();
  await expect(page).toHaveURL(new RegExp(`#/borrowers/${loan.borrowerId}$`));
  await expect(page.getByTestId('borrower-phone')).toHaveText(maskedPhone);
  await expect(page.getByTestId('borrower-overdue')).toContainText(loan.externalId);

  // The overdue loan: its plan and DPD.
  await page.getByTestId('borrower-loans').getByRole('link', { name: loan.externalId }).click();
  await expect(page).toHaveURL(new RegExp(`#/loans/${loan.id}$`));
  await expect(page.getByTestId('loan-dpd')).toContainText(`逾期 ${loan.dpd} 天`);
  const plan = page.getByTestId('plan');
  await expect(plan).toBeVisible();
  // The earliest unpaid installment carries the loan's DPD.
  await expect(plan.getByRole('cell', { name: String(loan.dpd), exact: true }).first()).toBeVisible();

  // The global shortcut finds the same borrower from anywhere.
  await page.keyboard.press('Control+K');
  await page.getByTestId('palette-search').fill(person.phone);
  await expect(page.getByRole('dialog').getByTestId('borrower-result')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/borrowers/${loan.borrowerId}$`));
});

test('a supervisor opens M2 from the loans dashboard and gets exactly the M2 loans', async ({ page, demo }) => {
  test.setTimeout(240_000);
  const supervisor = await operator(demo.url, 'super1', 'supervisor');
  await waitForLoanBook(supervisor.call);

  await page.goto(demo.url);
  await signInAndWait(page, 'super1', supervisor.password);
  // The demo institutions keep syncing (their clocks run): compare the screen with the database
  // read at the same moment, and look again if a sync page landed in between.
  await expect(async () => {
    const expected = m2LoansInDatabase(demo.dataDir);
    expect(expected.length).toBeGreaterThan(0);
    await page.goto(`${demo.url}/#/loans`);
    await page.reload();
    await expect(page.getByTestId('bucket-M2-value')).toHaveText(String(expected.length), { timeout: 5000 });
    await page.getByTestId('bucket-M2').click();
    await expect(page).toHaveURL(/#\/loans\/list\?.*bucket=M2/);
    await expect(page.getByTestId('loan-list-total')).toContainText(String(expected.length), { timeout: 5000 });
    const rows = page.getByTestId('loan-list').getByRole('row').filter({ has: page.getByRole('cell') });
    await expect(rows).toHaveCount(expected.length, { timeout: 5000 });
    // Cells by column, not position: at 1366 px the secondary columns give way (src/renderer/README.md).
    const shown = (await rows.evaluateAll((elements) => elements.map((element) => element.querySelector('[role=cell][data-column=loan]')?.textContent ?? ''))).sort();
    expect(shown).toEqual(expected);
    // Every row's DPD badge says M2.
    const badges = await rows.evaluateAll((elements) => elements.map((element) => element.querySelector('[role=cell][data-column=dpd]')?.textContent ?? ''));
    expect(badges.every((text) => text.startsWith('M2'))).toBe(true);
  }).toPass({ timeout: 90_000, intervals: [2000] });

  // The disbursal dates are typed the way an operator writes them, in the operator's language
  // (not the browser's mm/dd/yyyy); a day that does not exist is put back.
  const from = page.getByLabel('放款日期起');
  await from.click();
  await expect(page.getByText(/^\d{4}年\d{1,2}月$/)).toBeVisible();
  await from.fill('2000/1/2');
  await page.keyboard.press('Tab');
  await expect(page).toHaveURL(/disbursedFrom=2000-01-02/);
  await expect(from).toHaveValue('2000-01-02');
  await from.fill('2000-02-30');
  await page.keyboard.press('Tab');
  await expect(from).toHaveValue('2000-01-02');
  await expect(page).toHaveURL(/disbursedFrom=2000-01-02/);
  // No loan is disbursed after 2099: the filter reaches the list.
  await from.fill('20990101');
  await page.keyboard.press('Tab');
  await expect(page).toHaveURL(/disbursedFrom=2099-01-01/);
  await expect(page.getByTestId('loan-list').getByRole('row').filter({ has: page.getByRole('cell') })).toHaveCount(0);
});

test('support reveals a borrower only after giving a purpose, which the audit log records with the reveal', async ({ page, demo }) => {
  test.setTimeout(240_000);
  const support = await operator(demo.url, 'helpdesk', 'support');
  await waitForLoanBook(support.call);
  const open = await support.call<{ rows: Array<{ borrowerId: number | null }> }>('portfolio:loans-list', { scope: 'open', sort: 'dpd', limit: 20 });
  const borrowerId = open.rows.find((row) => row.borrowerId !== null)?.borrowerId;
  if (!borrowerId) throw new Error('the demo book has no loan with a borrower');

  await page.goto(demo.url);
  await signIn(page, 'helpdesk', support.password);
  await page.goto(`${demo.url}/#/borrowers/${borrowerId}`);
  const phone = page.getByTestId('borrower-phone');
  await expect(phone).toHaveText(/^1\d{2}\*{4}\d{4}$/);
  // "First seen" says what it is.
  await expect(page.getByText('首次同步到本系统')).toBeVisible();

  await page.getByTestId('borrower-reveal').click();
  const purpose = page.getByTestId('reveal-purpose');
  const confirm = page.getByTestId('reveal-confirm');
  await expect(purpose).toBeFocused();
  await expect(confirm).toBeDisabled();
  await purpose.fill('   ');
  await expect(confirm).toBeDisabled();
  await purpose.fill('工单 T-20261207-17');
  await purpose.press('Enter');
  await expect(phone).toHaveText(/^1[3-9]\d{9}$/);
  await expect(page.getByText('本次查看已记入审计日志（用途：工单 T-20261207-17）。')).toBeVisible();

  const admin = await apiSession(demo.url, 'admin', adminPassword);
  const audit = await admin<{ entries: Array<{ operator: unknown; targetId: string | null; details: Record<string, unknown> }> }>('audit:list', { filter: { action: 'borrowers.pii-revealed' } });
  expect(audit.entries.find((entry) => entry.targetId === String(borrowerId))?.details).toEqual({ fields: ['idNumber', 'name', 'phone'], purpose: '工单 T-20261207-17' });
});
