/**
 * A process that logs and then ends the way `mode` says (src/main/logging/logger.test.ts):
 * `kill` SIGKILLs itself right after an error line, `exit` calls process.exit after info lines,
 * `throw` dies of an uncaught exception after info lines. Nothing closes the sink.
 */
import { LogSink } from '../../src/main/logging/logger';

const [directory, mode] = process.argv.slice(2) as [string, 'kill' | 'exit' | 'throw'];
const log = new LogSink({ directory, console: 'none' }).logger('child');
for (let index = 0; index < 5; index++) log.info('before', { index });
if (mode === 'kill') {
  log.error('the failure', { code: 'X' });
  process.kill(process.pid, 'SIGKILL');
} else if (mode === 'exit') {
  process.exit(3);
} else {
  throw new Error('uncaught');
}
