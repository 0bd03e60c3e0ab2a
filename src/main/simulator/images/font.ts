import { readFileSync } from 'node:fs';
import { GlobalFonts } from '@napi-rs/canvas';
import { aliasFamily, locateCjkFont } from '../../fonts/cjk-font';

let registeredFamily: string | undefined;

/**
 * Registers the CJK font with the canvas once and returns the family to draw with.
 * Reads the file into memory rather than registering by path so it also works from inside an
 * Electron asar archive, where Skia cannot open the path itself.
 */
export function registerCjkFont(): string {
  if (registeredFamily !== undefined) return registeredFamily;
  const font = locateCjkFont();
  const paths = font.boldPath === font.regularPath ? [font.regularPath] : [font.regularPath, font.boldPath];
  for (const path of paths) {
    const data = readFileSync(path);
    if (font.family === aliasFamily) GlobalFonts.register(data, aliasFamily);
    else GlobalFonts.register(data);
  }
  if (!GlobalFonts.has(font.family)) {
    throw new Error(`Registered ${font.regularPath} (${font.source}) but the canvas does not know family "${font.family}"`);
  }
  registeredFamily = font.family;
  return font.family;
}
