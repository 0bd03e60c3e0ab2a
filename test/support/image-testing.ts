import { createCanvas, loadImage } from '@napi-rs/canvas';

/** Decoded pixels of a PNG or JPEG, for tests that look at what a reviewer would see. */
export interface DecodedImage {
  width: number;
  height: number;
  /** Straight RGBA, 4 bytes a pixel. */
  data: Uint8ClampedArray;
}

/** Decodes with Skia's decoder, independent of the encoder that made the bytes. */
export async function decodeImage(bytes: Buffer): Promise<DecodedImage> {
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height);
  return { width: image.width, height: image.height, data: pixels.data };
}

/** Width and height from a PNG's IHDR chunk, read straight from the bytes. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = '89504e470d0a1a0a';
  if (bytes.subarray(0, 8).toString('hex') !== signature || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') {
    throw new Error('not a PNG');
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Mean absolute difference per channel (0..255) over a region of two same-sized images. */
export function meanDifference(first: DecodedImage, second: DecodedImage, region = { x: 0, y: 0, width: first.width, height: first.height }): number {
  if (first.width !== second.width || first.height !== second.height) throw new Error('images differ in size');
  let total = 0;
  for (let y = region.y; y < region.y + region.height; y += 1) {
    for (let x = region.x; x < region.x + region.width; x += 1) {
      const index = (y * first.width + x) * 4;
      for (let channel = 0; channel < 3; channel += 1) {
        total += Math.abs((first.data[index + channel] ?? 0) - (second.data[index + channel] ?? 0));
      }
    }
  }
  return total / (region.width * region.height * 3);
}

/** How many pixels in the region are dark (luminance below the threshold) and opaque. */
export function countDarkPixels(image: DecodedImage, region: { x: number; y: number; width: number; height: number }, threshold = 100): number {
  let count = 0;
  for (let y = region.y; y < region.y + region.height; y += 1) {
    for (let x = region.x; x < region.x + region.width; x += 1) {
      const index = (y * image.width + x) * 4;
      const luminance = 0.299 * (image.data[index] ?? 0) + 0.587 * (image.data[index + 1] ?? 0) + 0.114 * (image.data[index + 2] ?? 0);
      if (luminance < threshold && (image.data[index + 3] ?? 0) > 200) count += 1;
    }
  }
  return count;
}
