import type { SystemService } from '../../system/service';
import type { Handlers } from '../router';

export function systemHandlers(system: SystemService): Pick<Handlers, 'system:info' | 'system:log-files' | 'system:log-read'> {
  return {
    'system:info': () => system.info(),
    'system:log-files': () => system.logFiles(),
    'system:log-read': (input) => system.readLog(input),
  };
}
