import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { encodePng } from './png';
import type { Random } from './random';

/** A rectangle in canvas pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Encodings the simulator can serve. */
export type ImageFormat = 'png' | 'jpeg';

/** Encoding options shared by every render function. */
export interface RenderOptions {
  /** 'png' (default) keeps the card's transparent rounded corners; 'jpeg' lays them on white. */
  format?: ImageFormat;
}

/** Encodes the canvas; compression runs on the libuv pool, off the event loop. */
export async function encodeCanvas(canvas: Canvas, options: RenderOptions | undefined): Promise<Buffer> {
  const format = options?.format ?? 'png';
  if (format === 'png') {
    const image = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return encodePng(image.data, canvas.width, canvas.height);
  }
  const context = canvas.getContext('2d');
  context.save();
  context.globalCompositeOperation = 'destination-over';
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.restore();
  return canvas.encode('jpeg', 90);
}

/**
 * Adds per-pixel sensor noise of roughly the given standard deviation (in 0..255 levels);
 * transparent pixels stay transparent.
 */
export function addNoise(context: SKRSContext2D, width: number, height: number, strength: number, random: Random, monochrome = true): void {
  const image = context.getImageData(0, 0, width, height);
  const pixels = image.data;
  for (let index = 0; index < pixels.length; index += 4) {
    if (pixels[index + 3] === 0) continue;
    // Uniform noise scaled to the requested deviation: one draw a channel keeps it cheap.
    const red = (random.next() - 0.5) * 3.46 * strength;
    const green = monochrome ? red : (random.next() - 0.5) * 3.46 * strength;
    const blue = monochrome ? red : (random.next() - 0.5) * 3.46 * strength;
    pixels[index] = (pixels[index] ?? 0) + red;
    pixels[index + 1] = (pixels[index + 1] ?? 0) + green;
    pixels[index + 2] = (pixels[index + 2] ?? 0) + blue;
  }
  context.putImageData(image, 0, 0);
}
