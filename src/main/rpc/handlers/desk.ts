import { AppError } from '../../../shared/rpc/errors';
import type { Handlers } from '../router';

/**
 * The back end's own answer to the desk channels: none to make. The desktop's main process
 * answers them itself before a call reaches a router (remote/desk-choice.ts), so these run only
 * for a browser on `serve` or a team server, where the back end is not the caller's to choose.
 */
export function deskHandlers(): Pick<Handlers, 'desk:connection' | 'desk:choose-connection'> {
  return {
    'desk:connection': () => ({ canChoose: false, mode: null, serverUrl: null }),
    'desk:choose-connection': () => {
      throw new AppError('FORBIDDEN', 'Only the desktop chooses where its back end is.', { reason: 'not-desktop' });
    },
  };
}
