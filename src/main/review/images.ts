/**
 * Evidence images fetched from the institution (GET /v1/images/{id}) and kept in a small
 * in-memory cache bounded in bytes, so flipping between tasks does not refetch; nothing is
 * written to disk (they are personal data).
 */

export interface EvidenceImage {
  contentType: string;
  body: Buffer;
}

/** Fetches one image of one institution (services.institutionClients in production). */
export type ImageFetcher = (institutionId: number, imageId: string, signal?: AbortSignal) => Promise<EvidenceImage>;

/** Least-recently-used cache of images, bounded by their total size. */
export class ImageCache {
  private readonly entries = new Map<string, EvidenceImage>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): EvidenceImage | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Re-insert to mark it most recently used (Map keeps insertion order).
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, image: EvidenceImage): void {
    if (image.body.length > this.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.bytes -= previous.body.length;
      this.entries.delete(key);
    }
    this.entries.set(key, image);
    this.bytes += image.body.length;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.body.length;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

const allowedTypes = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** The content type to serve: only plain raster images pass; anything else is refused by the caller. */
export function servableImageType(contentType: string): string | null {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return allowedTypes.has(type) ? type : null;
}
