import { imageKindSchema } from '../../../shared/contracts/review';
import { AppError } from '../../../shared/rpc/errors';
import { sendError, type HttpRoute } from '../http-server';
import type { ReviewService } from '../../review/service';

/**
 * GET /api/images/:taskId/:which on the headless server: one evidence image of a review task,
 * fetched from the institution through the review service (which checks that the operator holds
 * the task or may see personal data). Personal data: never cached by the browser.
 */
export function reviewImageRoute(review: Pick<ReviewService, 'image'>): HttpRoute {
  return {
    method: 'GET',
    pattern: /^\/api\/images\/(\d{1,12})\/(live|reference|id_front|id_back)$/,
    async handle(request, response, match, actor) {
      const controller = new AbortController();
      request.on('close', () => controller.abort());
      try {
        const image = await review.image(actor, { taskId: Number(match[1]), which: imageKindSchema.parse(match[2]) }, controller.signal);
        response.writeHead(200, {
          'Content-Type': image.contentType,
          'Content-Length': image.body.length,
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "default-src 'none'",
          'Cross-Origin-Resource-Policy': 'same-origin',
        });
        response.end(image.body);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        sendError(response, error);
      }
    },
  };
}
