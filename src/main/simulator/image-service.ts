/**
 * Renders the images GET /v1/images/{id} serves, on demand, keeping a bounded number of them.
 * The renderer (canvas, CJK font) is loaded on the first image request, so a simulator that is
 * never asked for an image never loads it.
 */
import type { ImageRequest } from './institution-images';

export interface RenderedImage {
  contentType: 'image/png' | 'image/jpeg';
  bytes: Buffer;
}

export class ImageService {
  private readonly cache = new Map<string, Promise<RenderedImage>>();

  constructor(private readonly maxEntries = 120) {}

  /** The image for `key` (institution + image id), rendered once while it stays cached. */
  render(key: string, request: ImageRequest): Promise<RenderedImage> {
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      // Refresh its position: the Map's insertion order is the eviction order.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const rendering = draw(request);
    rendering.catch(() => this.cache.delete(key));
    this.cache.set(key, rendering);
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return rendering;
  }
}

async function draw(request: ImageRequest): Promise<RenderedImage> {
  const images = await import('./images');
  switch (request.kind) {
    case 'idf':
      return {
        contentType: 'image/png',
        bytes: await images.renderIdCardFront({
          name: request.name,
          sex: request.sex,
          ethnicity: request.ethnicity,
          birthDate: request.birthDate,
          address: request.address,
          idNumber: request.idNumber,
          warnings: request.warnings,
          personSeed: request.personSeed,
        }),
      };
    case 'idb':
      return {
        contentType: 'image/png',
        bytes: await images.renderIdCardBack({ authority: request.authority, validFrom: request.validFrom, validTo: request.validTo, warnings: request.warnings }),
      };
    case 'ref':
      return { contentType: 'image/png', bytes: await images.renderFace({ personSeed: request.personSeed, variant: 'reference', similarity: 1, sex: request.sex }) };
    case 'live':
      // Live frames come from a phone camera: served as JPEG, like vendors return them.
      return {
        contentType: 'image/jpeg',
        bytes: await images.renderFace({ personSeed: request.personSeed, variant: 'live', similarity: request.similarity, sex: request.sex }, { format: 'jpeg' }),
      };
    default: {
      const unknown: never = request;
      throw new Error(`Unknown image request ${JSON.stringify(unknown)}`);
    }
  }
}
