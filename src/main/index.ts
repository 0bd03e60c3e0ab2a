// Electron entry point: everything below src/main/app may import electron; nothing else does.
import { runDesktop } from './app/main';

void runDesktop();
