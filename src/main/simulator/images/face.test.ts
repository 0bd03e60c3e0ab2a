import { describe, expect, it } from 'vitest';
import { faceImageSize, renderFace } from './face';
import { decodeImage, meanDifference, pngSize } from '../../../../test/support/image-testing';

/** The head and shoulders, where the person is; the rest is background. */
const faceArea = { x: 70, y: 60, width: 220, height: 330 };

describe('renderFace', () => {
  it('is a 360 x 450 PNG for both variants', async () => {
    for (const variant of ['reference', 'live'] as const) {
      const png = await renderFace({ personSeed: 'applicant-1', variant, similarity: 0.9 });
      expect(pngSize(png)).toEqual(faceImageSize);
      const image = await decodeImage(png);
      expect([image.width, image.height]).toEqual([360, 450]);
    }
  });

  it('gives byte-identical output for the same input', async () => {
    const input = { personSeed: 'applicant-2', variant: 'live', similarity: 0.73 } as const;
    expect((await renderFace(input)).equals(await renderFace({ ...input }))).toBe(true);
  });

  it('draws different people for different seeds', async () => {
    const first = await decodeImage(await renderFace({ personSeed: 'applicant-3', variant: 'reference', similarity: 1 }));
    const second = await decodeImage(await renderFace({ personSeed: 'applicant-4', variant: 'reference', similarity: 1 }));
    expect(meanDifference(first, second, faceArea)).toBeGreaterThan(8);
  });

  it('a live photo at similarity 0.95 is closer to the reference than one at 0.2', async () => {
    for (const seed of ['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6']) {
      const reference = await decodeImage(await renderFace({ personSeed: seed, variant: 'reference', similarity: 1 }));
      const close = await decodeImage(await renderFace({ personSeed: seed, variant: 'live', similarity: 0.95 }));
      const far = await decodeImage(await renderFace({ personSeed: seed, variant: 'live', similarity: 0.2 }));
      expect(meanDifference(close, reference, faceArea)).toBeLessThan(meanDifference(far, reference, faceArea));
    }
  });

  it('the live photo is a different shot from the reference even of the same person', async () => {
    const reference = await decodeImage(await renderFace({ personSeed: 'p-7', variant: 'reference', similarity: 1 }));
    const live = await decodeImage(await renderFace({ personSeed: 'p-7', variant: 'live', similarity: 1 }));
    expect(meanDifference(reference, live)).toBeGreaterThan(5);
  });

  it('refuses a similarity outside 0..1', async () => {
    await expect(renderFace({ personSeed: 'x', variant: 'live', similarity: 1.2 })).rejects.toThrow(RangeError);
    await expect(renderFace({ personSeed: 'x', variant: 'live', similarity: Number.NaN })).rejects.toThrow(RangeError);
  });
});
