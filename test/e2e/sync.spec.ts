import { adminPassword, expect, signIn, test } from './fixtures';

test('an admin starts the demo institutions from the Sync page, watches them sync and reconcile, and checks one connection', async ({ page, server }) => {
  test.setTimeout(180_000);
  await page.goto(server.url);
  await signIn(page, 'admin', adminPassword);
  await page.getByTestId('operator-menu').click();
  await page.getByRole('menuitem', { name: 'English' }).click();
  await page.getByRole('navigation', { name: 'main' }).getByText('Sync', { exact: true }).click();

  await expect(page.getByTestId('sync-empty')).toBeVisible();
  await page.getByRole('button', { name: 'Start demo institutions' }).click();
  for (const code of ['QINGHE', 'YUANSHAN', 'BEICHEN']) await expect(page.getByTestId(`sync-institution-${code}`)).toBeVisible({ timeout: 60_000 });

  // Each first pass ends in a full reconciliation against the institution's /v1/stats.
  for (const code of ['QINGHE', 'YUANSHAN', 'BEICHEN']) {
    const card = page.getByTestId(`sync-institution-${code}`);
    await expect(card.getByTestId('sync-reconciled')).toHaveText(/Reconciled (\d)\/\1/, { timeout: 120_000 });
    await expect(card.getByTestId('sync-state')).toHaveText('Idle');
  }
  await expect(page.getByTestId('sync-runs').getByText('Succeeded').first()).toBeVisible();

  await page.getByRole('tab', { name: 'Reconciliation' }).click();
  const reconciliation = page.getByTestId('sync-reconciliation');
  await expect(reconciliation.getByText('Matched').first()).toBeVisible();
  await expect(reconciliation.getByText('Mismatched')).toHaveCount(0);

  // Sync now on one institution: queued, run, idle again.
  const qinghe = page.getByTestId('sync-institution-QINGHE');
  await qinghe.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByText(/Queued: 1 institution/)).toBeVisible();
  await expect(qinghe.getByTestId('sync-state')).toHaveText('Idle', { timeout: 60_000 });

  // Settings > Institutions: the demo rows, a write-only secret, and a connection test per check.
  await page.goto(`${server.url}/#/settings/institutions`);
  const table = page.getByTestId('institutions-table');
  await expect(table.getByRole('cell', { name: /^QINGHE/ })).toBeVisible();
  await table.getByRole('row', { name: /QINGHE/ }).getByRole('button', { name: 'Edit institution' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit institution' });
  await expect(dialog.getByLabel('Secret')).toHaveValue('');
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  const result = dialog.getByTestId('connection-result');
  await expect(result.getByText('Reachability')).toBeVisible();
  await expect(result.getByText('OK')).toHaveCount(3);

  // A wrong secret fails at the signature check, and says so.
  await dialog.getByLabel('Secret').fill('definitely-not-the-secret');
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(result.getByText(/Failed — .*SIGNATURE_INVALID/)).toBeVisible();
  await expect(result.getByText('Not checked')).toHaveCount(1);
});

test('a supervisor sees the Sync page but cannot start syncs or configure institutions', async ({ page, server }) => {
  await page.goto(server.url);
  await signIn(page, 'admin', adminPassword);
  await page.getByTestId('nav-settings').click();
  await page.getByRole('button', { name: '新建用户' }).click();
  const create = page.getByRole('dialog');
  await create.getByLabel('用户名').fill('zhou');
  await create.getByLabel('姓名').fill('周主管');
  await create.getByRole('combobox', { name: '角色' }).click();
  await page.getByRole('option', { name: '主管' }).click();
  await create.getByLabel('初始密码').fill('initial-password-1');
  await create.getByRole('button', { name: '新建用户' }).click();
  await expect(page.getByRole('cell', { name: '周主管' })).toBeVisible();
  await page.getByTestId('operator-menu').click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await signIn(page, 'zhou', 'initial-password-1');
  const change = page.getByRole('dialog', { name: '修改密码' });
  await change.getByLabel('当前密码').fill('initial-password-1');
  await change.getByLabel('新密码', { exact: true }).fill('my-own-password-1');
  await change.getByLabel('确认新密码').fill('my-own-password-1');
  await change.getByRole('button', { name: '修改密码' }).click();

  await page.getByRole('navigation', { name: 'main' }).getByText('机构同步', { exact: true }).click();
  await expect(page.getByTestId('sync-empty')).toBeVisible();
  await expect(page.getByRole('button', { name: '启动演示机构' })).toHaveCount(0);
  await page.getByRole('navigation', { name: 'main' }).getByText('设置', { exact: true }).click();
  await expect(page.getByRole('tab', { name: '机构' })).toHaveCount(0);
});
