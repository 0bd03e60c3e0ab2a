import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A CJK font on disk that can draw every Chinese character an ID card needs. */
export interface CjkFont {
  /** Family name to put in a CSS font string once registered. */
  family: string;
  regularPath: string;
  /** Same as regularPath when the font has no bold face (Skia then thickens it). */
  boldPath: string;
  /** Where the font came from, for error messages and the README's instructions. */
  source: string;
}

interface Candidate {
  source: string;
  family: string;
  regularPath: string | undefined;
  boldPath: string | undefined;
  /** A TrueType collection holds several families; it must keep its own names, not an alias. */
  collection: boolean;
}

const npmFontPackage = '@expo-google-fonts/noto-sans-sc';
/** The family the npm package's files are registered as (they carry no family Skia would pick). */
export const aliasFamily = 'CreditDesk CJK';

function npmPackageDirectory(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve(`${npmFontPackage}/package.json`));
  } catch {
    return undefined;
  }
}

function defaultCandidates(): Candidate[] {
  const packageDirectory = npmPackageDirectory();
  return [
    {
      source: `npm package ${npmFontPackage}`,
      family: aliasFamily,
      regularPath: packageDirectory && join(packageDirectory, '400Regular', 'NotoSansSC_400Regular.ttf'),
      boldPath: packageDirectory && join(packageDirectory, '700Bold', 'NotoSansSC_700Bold.ttf'),
      collection: false,
    },
    {
      source: 'Debian package fonts-noto-cjk',
      family: 'Noto Sans CJK SC',
      regularPath: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
      boldPath: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
      collection: true,
    },
    {
      source: 'Debian package fonts-wqy-microhei',
      family: 'WenQuanYi Micro Hei',
      regularPath: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
      boldPath: undefined,
      collection: true,
    },
  ];
}

/** Thrown when no usable CJK font is installed; the message says what to install. */
export class MissingCjkFontError extends Error {
  constructor(tried: readonly string[]) {
    super(
      'No CJK font for the ID-card images. Install one of: ' +
        `the npm dependency ${npmFontPackage} (npm ci installs it), ` +
        '`apt-get install -y fonts-noto-cjk` (/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc) or ' +
        '`apt-get install -y fonts-wqy-microhei` (/usr/share/fonts/truetype/wqy/wqy-microhei.ttc). ' +
        `Looked for: ${tried.join(', ')}`,
    );
    this.name = 'MissingCjkFontError';
  }
}

function choose(candidates: readonly Candidate[], fileExists: (path: string) => boolean): Candidate & { regularPath: string } {
  const tried: string[] = [];
  for (const candidate of candidates) {
    if (candidate.regularPath === undefined) {
      tried.push(`${candidate.source} (not installed)`);
      continue;
    }
    tried.push(candidate.regularPath);
    if (fileExists(candidate.regularPath)) return { ...candidate, regularPath: candidate.regularPath };
  }
  throw new MissingCjkFontError(tried);
}

/**
 * Finds the CJK font the images (and any other exporter, e.g. PDF) should use: the npm package
 * first, so every machine that ran `npm ci` has the same glyphs, then Debian's packages.
 * Throws MissingCjkFontError naming the packages to install when none is present.
 */
export function locateCjkFont(fileExists: (path: string) => boolean = existsSync): CjkFont {
  const chosen = choose(defaultCandidates(), fileExists);
  const boldPath = chosen.boldPath !== undefined && fileExists(chosen.boldPath) ? chosen.boldPath : chosen.regularPath;
  return { family: chosen.family, regularPath: chosen.regularPath, boldPath, source: chosen.source };
}
