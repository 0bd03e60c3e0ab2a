import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { callOptionsOf } from '../shared/rpc/call-options';
import { isChannelName } from '../shared/rpc/contract';
import { eventAudience, type EventName, type PushedEvent } from '../shared/rpc/events';
import { ipcEventChannel, ipcInvokeChannel, type CreditDeskBridge } from './bridge';

const eventNames = new Set(Object.keys(eventAudience));

const bridge: CreditDeskBridge = {
  invoke(channel, input, options) {
    // Only contract channels cross the bridge; anything else never reaches the main process.
    if (typeof channel !== 'string' || !isChannelName(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel “${String(channel)}”.` } });
    }
    return ipcRenderer.invoke(ipcInvokeChannel, channel, input, callOptionsOf(options));
  },
  on(event, listener) {
    if (!eventNames.has(event)) throw new Error(`Unknown event “${String(event)}”.`);
    const handler = (_event: IpcRendererEvent, pushed: PushedEvent) => {
      if (pushed.name === event) listener(pushed.payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on(ipcEventChannel, handler);
    return () => {
      ipcRenderer.off(ipcEventChannel, handler);
    };
  },
};

contextBridge.exposeInMainWorld('creditdesk', bridge);

export type { EventName };
