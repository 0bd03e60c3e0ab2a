#!/usr/bin/env node
// `npm test`: typecheck, lint, build, unit/integration tests (vitest) and the E2E suite
// (Playwright in Debian's Chromium against `creditdesk serve`). Every step runs even when an
// earlier one failed, and the last line sums them all: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
const summary = [];

function run(label, command, args, options = {}) {
  process.stdout.write(`\n=== ${label}: ${command} ${args.join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: result.status === 0, seconds };
}

function step(label, command, args) {
  const { ok, seconds } = run(label, command, args);
  if (ok) passed++;
  else failed++;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${label} (${seconds}s)`);
  return ok;
}

step('typecheck (node)', 'npx', ['tsc', '-p', 'tsconfig.node.json']);
step('typecheck (web)', 'npx', ['tsc', '-p', 'tsconfig.web.json']);
step('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
const built = step('build', 'npx', ['electron-vite', 'build']);

const unitReport = 'test-results/unit-report.json';
rmSync(unitReport, { force: true });
const unit = run('unit and integration tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`]);
if (existsSync(unitReport)) {
  const report = JSON.parse(readFileSync(unitReport, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails to load has no failed tests but is a failure all the same.
  const brokenFiles = (report.testResults ?? []).filter((file) => file.status === 'failed' && (file.assertionResults ?? []).every((test) => test.status !== 'failed')).length;
  failed += brokenFiles;
  summary.push(`${unit.ok ? 'ok  ' : 'FAIL'} vitest: ${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles} failed, ${report.numPendingTests} skipped (${unit.seconds}s)`);
  // CI shows only the tail of this output: name each failure next to the totals, with its first line.
  for (const file of report.testResults ?? []) {
    const where = file.name.replace(`${process.cwd()}/`, '');
    const failures = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (file.status === 'failed' && failures.length === 0) summary.push(`     ${where}: ${firstLine(file.message)}`);
    for (const test of failures) summary.push(`     ${where} > ${test.fullName}: ${firstLine((test.failureMessages ?? [])[0])}`);
  }
} else {
  failed++;
  summary.push(`FAIL vitest: no report (${unit.seconds}s)`);
}

const e2eReport = 'test-results/e2e-report.json';
rmSync(e2eReport, { force: true });
if (!built) {
  failed++;
  summary.push('FAIL e2e: not run, the build failed');
} else {
  const e2e = run('end-to-end tests', 'npx', ['playwright', 'test']);
  if (existsSync(e2eReport)) {
    const stats = JSON.parse(readFileSync(e2eReport, 'utf8')).stats;
    passed += stats.expected;
    failed += stats.unexpected + stats.flaky;
    summary.push(`${e2e.ok ? 'ok  ' : 'FAIL'} playwright: ${stats.expected} passed, ${stats.unexpected + stats.flaky} failed, ${stats.skipped} skipped (${e2e.seconds}s)`);
    for (const failure of e2eFailures(JSON.parse(readFileSync(e2eReport, 'utf8')).suites ?? [])) summary.push(`     ${failure}`);
  } else {
    failed++;
    summary.push(`FAIL playwright: no report (${e2e.seconds}s)`);
  }
}

/** The first line of a failure message, without colour codes, cut to fit one line. */
function firstLine(message) {
  const line = String(message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((text) => text.trim() !== '') ?? '(no message)';
  return line.trim().slice(0, 300);
}

/** "file:line title: first error line (at file:line)" for each Playwright test that did not pass. */
function e2eFailures(suites) {
  const out = [];
  const visit = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected' && test.status !== 'flaky') continue;
        const result = (test.results ?? []).find((one) => one.status !== 'passed' && one.status !== 'skipped');
        const error = result?.error ?? (result?.errors ?? [])[0];
        const at = error?.location ? ` (at ${error.location.file.replace(`${process.cwd()}/`, '')}:${error.location.line})` : '';
        out.push(`${spec.file}:${spec.line} ${spec.title}: ${firstLine(error?.message)}${at}`);
      }
    }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of suites) visit(suite);
  return out;
}

process.stdout.write(`\n${summary.join('\n')}\n\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
