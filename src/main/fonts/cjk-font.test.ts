import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locateCjkFont, MissingCjkFontError } from './cjk-font';

describe('locateCjkFont', () => {
  it('finds the Noto Sans SC font shipped by the npm dependency first', () => {
    const font = locateCjkFont();
    expect(font.source).toContain('@expo-google-fonts/noto-sans-sc');
    expect(font.regularPath).toMatch(/NotoSansSC_400Regular\.ttf$/);
    expect(font.boldPath).toMatch(/NotoSansSC_700Bold\.ttf$/);
    expect(existsSync(font.regularPath)).toBe(true);
  });

  it('falls back to a Debian font, using it for bold too when it has no bold face', () => {
    const font = locateCjkFont((path) => path === '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc');
    expect(font).toEqual({
      family: 'WenQuanYi Micro Hei',
      regularPath: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
      boldPath: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
      source: 'Debian package fonts-wqy-microhei',
    });
  });

  it('says which packages to install when no CJK font is present', () => {
    expect(() => locateCjkFont(() => false)).toThrow(MissingCjkFontError);
    expect(() => locateCjkFont(() => false)).toThrow(/@expo-google-fonts\/noto-sans-sc.*fonts-noto-cjk.*fonts-wqy-microhei/);
  });
});
