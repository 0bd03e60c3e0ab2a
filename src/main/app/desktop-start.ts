/**
 * The order of a local desktop start once its back end is open, kept apart from main.ts so a
 * Node test can check it (Electron cannot start on the build machines): the window first, then
 * the background work. Starting the background work resumes kept demo institutions, whose clock
 * catch-up (seconds after a long time away) runs on the main process's thread, the thread that
 * also serves app:// and shows the window: started first, it held the window back until it ended.
 */
export interface DesktopStartSteps<W> {
  /** Creates the window, resolving once it has loaded and shows. */
  createWindow(): Promise<W>;
  /** Background sync (and with --demo, the demo institutions). */
  startBackgroundWork(): Promise<void>;
  /** A background start that failed: the window stays, the failure is logged. */
  onBackgroundError(error: unknown): void;
}

/** Creates the window, then starts the background work without waiting for it; returns the window. */
export async function openWindowThenWork<W>(steps: DesktopStartSteps<W>): Promise<W> {
  const window = await steps.createWindow();
  void steps.startBackgroundWork().catch((error: unknown) => steps.onBackgroundError(error));
  return window;
}
