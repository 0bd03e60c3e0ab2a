/**
 * Waits until `check` holds, asking again every `everyMs`; after `timeoutMs` it fails saying what it
 * waited for. For tests that wait on something another process, thread or socket does.
 */
export async function until(check: () => boolean, what: string, timeoutMs = 15_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
