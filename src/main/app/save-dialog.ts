import { app, dialog, type BrowserWindow } from 'electron';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { SaveFileDialog } from '../exports/service';

/**
 * The desktop's way to hand over a finished export: a native save dialog (starting in the
 * Downloads folder with the export's name), then a copy of the file; null when dismissed.
 */
export function exportSaveDialog(window: () => BrowserWindow | null): SaveFileDialog {
  return async ({ path: source, fileName }) => {
    const options = { defaultPath: path.join(app.getPath('downloads'), fileName) };
    const owner = window();
    const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return null;
    await copyFile(source, result.filePath);
    return result.filePath;
  };
}
