import { describe, expect, it } from 'vitest';
import { decodeImage, pngSize } from '../../../../test/support/image-testing';
import { encodePng } from './png';
import { createRandom } from './random';

function randomPixels(width: number, height: number, withTransparency: boolean): Uint8ClampedArray {
  const random = createRandom(`pixels|${width}|${height}|${withTransparency}`);
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let index = 0; index < pixels.length; index += 4) {
    pixels[index] = random.integer(0, 255);
    pixels[index + 1] = random.integer(0, 255);
    pixels[index + 2] = random.integer(0, 255);
    pixels[index + 3] = withTransparency && random.chance(0.3) ? 0 : 255;
  }
  return pixels;
}

describe('encodePng', () => {
  it('writes an opaque image that a standard decoder reads back pixel for pixel', async () => {
    const pixels = randomPixels(37, 23, false);
    const png = await encodePng(pixels, 37, 23);
    expect(pngSize(png)).toEqual({ width: 37, height: 23 });
    expect(png[25]).toBe(2); // RGB: no alpha channel stored for an opaque image
    const decoded = await decodeImage(png);
    expect(Buffer.from(decoded.data).equals(Buffer.from(pixels))).toBe(true);
  });

  it('keeps transparency: transparent pixels decode transparent, opaque ones exact', async () => {
    const pixels = randomPixels(31, 17, true);
    const png = await encodePng(pixels, 31, 17);
    expect(png[25]).toBe(6); // RGBA
    const decoded = await decodeImage(png);
    for (let index = 0; index < pixels.length; index += 4) {
      expect(decoded.data[index + 3]).toBe(pixels[index + 3]);
      if (pixels[index + 3] === 255) {
        expect([decoded.data[index], decoded.data[index + 1], decoded.data[index + 2]]).toEqual([pixels[index], pixels[index + 1], pixels[index + 2]]);
      }
    }
  });
});
