import ExcelJS from 'exceljs';
import { tempFolders } from '../support/temp-folders';
import { adminPassword, apiSession, demoTest as test, expect, signIn } from './fixtures';

test('a supervisor exports the review report as XLSX and the download holds the decisions', async ({ page, demo }) => {
  test.setTimeout(180_000);
  const admin = await apiSession(demo.url, 'admin', adminPassword);
  await admin('users:create', { username: 'super1', displayName: '周主管', role: 'supervisor', password: 'first-day-harbor-9' });
  const firstSignIn = await apiSession(demo.url, 'super1', 'first-day-harbor-9');
  await firstSignIn('auth:change-password', { currentPassword: 'first-day-harbor-9', newPassword: 'own-quiet-lantern-7' });
  const supervisor = await apiSession(demo.url, 'super1', 'own-quiet-lantern-7');

  // Wait for the demo institutions' first sync to bring face-review tasks.
  await expect
    .poll(async () => (await supervisor<{ queues: { face: { open: number } } }>('review:counts', {})).queues.face.open, { timeout: 120_000, intervals: [1000] })
    .toBeGreaterThanOrEqual(3);

  // The supervisor works three face tasks: two approvals and a rejection.
  const decided: string[] = [];
  const codes = await supervisor<Array<{ queue: string; action: string; code: string; active: boolean }>>('review:reason-codes', { queue: 'face' });
  const rejectCode = codes.find((code) => code.action === 'reject' && code.active)?.code;
  // An approval that needs a second (four-eyes) decision is not final yet: skip those tasks here.
  const skipped: number[] = [];
  for (const action of ['approve', 'approve', 'reject'] as const) {
    for (;;) {
      const next = await supervisor<{ taskId: number }>('review:next', { queue: 'face', excludeTaskIds: skipped });
      const task = await supervisor<{ task: { evidenceHash: string; fourEyesOnApprove: string[] }; application: { externalId: string } }>('review:task', { taskId: next.taskId });
      if (action === 'approve' && task.task.fourEyesOnApprove.length > 0) {
        skipped.push(next.taskId);
        continue;
      }
      await supervisor('review:decide', { taskId: next.taskId, action, reasonCode: action === 'reject' ? rejectCode : undefined, evidenceHash: task.task.evidenceHash });
      decided.push(task.application.externalId);
      break;
    }
  }

  await page.goto(demo.url);
  await signIn(page, 'super1', 'own-quiet-lantern-7');
  // The start page (a supervisor's inbox) loads before we move on, so its redirect cannot race the click.
  await expect(page.getByTestId('inbox-second')).toBeVisible();
  await page.getByRole('link', { name: /报表|Reports/ }).click();
  await expect(page.getByTestId('stat-decided')).toContainText('3');

  await page.getByRole('button', { name: /导出|Export/ }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: /XLSX/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^review-operations_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const folders = tempFolders('creditdesk-e2e-download-');
  try {
    const file = folders.file(download.suggestedFilename());
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.name).toBe('决定明细');
    expect(sheet.getCell('F1').value).toBe('申请编号');
    expect(sheet.rowCount).toBe(1 + decided.length);
    const rows = Array.from({ length: decided.length }, (_unused, index) => sheet.getRow(index + 2));
    expect(rows.map((row) => row.getCell(6).value)).toEqual(decided);
    expect(rows.map((row) => row.getCell(7).value)).toEqual(['周主管', '周主管', '周主管']);
    expect(rows.map((row) => row.getCell(8).value)).toEqual(['通过', '通过', '拒绝']);
    expect(rows.map((row) => row.getCell(4).value)).toEqual(['人脸比对', '人脸比对', '人脸比对']);
    expect(rows[0]?.getCell(2).type).toBe(ExcelJS.ValueType.Date);
  } finally {
    folders.removeAll();
  }

  // The export is on the record: who, what, filters and row count.
  const audit = await admin<{ entries: Array<{ operatorName: string; details: Record<string, unknown> }> }>('audit:list', { filter: { action: 'exports.finished' } });
  expect(audit.entries[0]).toMatchObject({ operatorName: 'super1', details: { kind: 'review-operations', format: 'xlsx', rowCount: 3, status: 'completed' } });
});
