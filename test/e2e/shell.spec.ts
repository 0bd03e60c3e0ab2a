import { adminPassword, expect, signIn, signInAndWait, test } from './fixtures';

test('an admin signs in and sees the shell in zh-CN, then in English', async ({ page, server }) => {
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: '登录 CreditDesk' })).toBeVisible();
  await signIn(page, 'admin', adminPassword);
  const nav = page.getByRole('navigation', { name: 'main' });
  for (const label of ['审核队列', '授信额度', '借据与还款', '借款人查询', '报表', '机构同步', '设置']) {
    await expect(nav.getByText(label, { exact: true })).toBeVisible();
  }
  await page.getByTestId('operator-menu').click();
  await page.getByRole('menuitem', { name: 'English' }).click();
  for (const label of ['Review queues', 'Credit lines', 'Loans', 'Borrower lookup', 'Reports', 'Sync', 'Settings']) {
    await expect(nav.getByText(label, { exact: true })).toBeVisible();
  }
  // The choice is the operator's: it survives a reload.
  await page.reload();
  await expect(nav.getByText('Settings', { exact: true })).toBeVisible();
  await nav.getByText('Settings', { exact: true }).click();
  await expect(page.getByRole('tab', { name: 'Users and roles' })).toBeVisible();
  await expect(page.getByRole('cell', { name: /admin/ }).first()).toBeVisible();
});

test('a wrong password is refused with a clear message', async ({ page, server }) => {
  await page.goto(server.url);
  await signIn(page, 'admin', 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('用户名或密码错误，或账号已停用。');
});

test('an admin creates a reviewer, who must change the password and sees only what the role allows', async ({ page, server }) => {
  await page.goto(server.url);
  await signIn(page, 'admin', adminPassword);
  await page.getByTestId('nav-settings').click();
  await page.getByRole('button', { name: '新建用户' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('用户名').fill('wang');
  await dialog.getByLabel('姓名').fill('王审核');
  await dialog.getByLabel('初始密码').fill('initial-password-1');
  await dialog.getByRole('button', { name: '新建用户' }).click();
  await expect(page.getByRole('cell', { name: '王审核' })).toBeVisible();

  await page.getByTestId('operator-menu').click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await signIn(page, 'wang', 'initial-password-1');
  const change = page.getByRole('dialog', { name: '修改密码' });
  await change.getByLabel('当前密码').fill('initial-password-1');
  await change.getByLabel('新密码', { exact: true }).fill('my-own-password-1');
  await change.getByLabel('确认新密码').fill('my-own-password-1');
  await change.getByRole('button', { name: '修改密码' }).click();

  const nav = page.getByRole('navigation', { name: 'main' });
  await expect(nav.getByText('审核队列', { exact: true })).toBeVisible();
  await expect(nav.getByText('报表', { exact: true })).toHaveCount(0);
  await expect(nav.getByText('机构同步', { exact: true })).toHaveCount(0);
  await nav.getByText('设置', { exact: true }).click();
  await expect(page.getByRole('tab', { name: '用户与角色' })).toHaveCount(0);
  await expect(page.getByRole('tab', { name: '关于' })).toBeVisible();
});

test('an admin changes a business rule in Settings and the server keeps it', async ({ page, server }) => {
  await page.goto(server.url);
  await signInAndWait(page, 'admin', adminPassword);
  await page.goto(`${server.url}/#/settings/rules`);
  const warning = page.getByLabel('警示阈值（%）');
  await expect(warning).toHaveValue('24');
  await warning.fill('20');
  await page.getByTestId('rules-save').click();
  await expect(page.getByText('业务规则已保存，派生数据正在重新计算。')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('警示阈值（%）')).toHaveValue('20');
  // The server validates the whole: a warning above the non-compliant threshold is refused.
  await page.getByLabel('警示阈值（%）').fill('40');
  await page.getByTestId('rules-save').click();
  await expect(page.getByRole('alert')).toContainText('aprWarningBps');
});
