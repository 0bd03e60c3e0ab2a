import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../shared/rpc/errors';
import { sendError, type HttpRoute } from '../http-server';
import type { ExportService } from '../../exports/service';

/** RFC 6266 / 5987: an ASCII fallback name plus the real UTF-8 name (Chinese report titles). */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * GET /api/downloads/:id on the headless server: a finished export's file, for the operator who
 * made it (the session cookie says who; others get 404). Each download is audited by the service.
 */
export function downloadRoute(exports: ExportService): HttpRoute {
  return {
    method: 'GET',
    pattern: /^\/api\/downloads\/(\d{1,12})$/,
    async handle(_request, response, match, actor) {
      let file;
      try {
        file = exports.openDownload(actor, Number(match[1]));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        sendError(response, error);
        return;
      }
      response.writeHead(200, {
        'Content-Type': file.contentType,
        'Content-Length': file.size,
        'Content-Disposition': contentDisposition(file.fileName),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'",
      });
      await pipeline(createReadStream(file.path), response);
    },
  };
}
