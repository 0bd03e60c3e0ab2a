import type { ExportDelivery } from '../../shared/contracts/exports';
import { rpc } from './client';

/**
 * Hands a finished export to the operator. In a browser (headless server) the file downloads
 * from the authenticated /api/downloads/:id route; in the desktop shell the main process shows a
 * save dialog. Pages call this and never learn which happened beyond the returned kind.
 */
export async function deliverExport(id: number): Promise<ExportDelivery> {
  const delivery = await rpc('exports:deliver', { id });
  if (delivery.kind === 'download') {
    const link = document.createElement('a');
    link.href = delivery.url;
    link.download = delivery.fileName;
    link.rel = 'noopener';
    link.style.display = 'none';
    document.body.append(link);
    link.click();
    link.remove();
  }
  return delivery;
}
