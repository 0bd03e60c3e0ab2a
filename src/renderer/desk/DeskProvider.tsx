import { Center, Loader, Modal } from '@mantine/core';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { DeskConnection } from '../../shared/contracts/desk';
import { rpc } from '../api/client';
import { useT } from '../i18n/I18nProvider';
import { ConnectionChoice } from './ConnectionChoice';

interface DeskValue {
  connection: DeskConnection;
  /** Opens the choice of back end (this computer or a team server) over the current screen. */
  openChoice(): void;
}

/** A browser on `serve` or a team server: nothing to choose, and nothing asked. */
const browser: DeskConnection = { canChoose: false, mode: null, serverUrl: null };
const DeskContext = createContext<DeskValue>({ connection: browser, openChoice: () => undefined });

/**
 * The desktop's choice of back end, asked on its first screen before anything else (no session,
 * no back end runs yet) and changeable later. Only the desktop shell has a choice to make: in a
 * browser there is no preload bridge, so nothing is asked of the server and the children render.
 */
export function DeskProvider({ children }: { children: ReactNode }) {
  const t = useT();
  const inDesktop = typeof window !== 'undefined' && window.creditdesk !== undefined;
  const [connection, setConnection] = useState<DeskConnection | null>(inDesktop ? null : browser);
  const [choosing, setChoosing] = useState(false);

  useEffect(() => {
    if (!inDesktop) return;
    let cancelled = false;
    rpc('desk:connection', {}).then(
      (answer) => !cancelled && setConnection(answer),
      // An older main process without the channel: behave as before (no choice offered).
      () => !cancelled && setConnection(browser),
    );
    return () => {
      cancelled = true;
    };
  }, [inDesktop]);

  const openChoice = useCallback(() => setChoosing(true), []);
  const value = useMemo<DeskValue>(() => ({ connection: connection ?? browser, openChoice }), [connection, openChoice]);

  if (connection === null) {
    return (
      <Center mih="100vh">
        <Loader />
      </Center>
    );
  }
  if (connection.canChoose && connection.mode === null) return <ConnectionChoice current={connection} />;
  return (
    <DeskContext.Provider value={value}>
      {children}
      {connection.canChoose && (
        <Modal opened={choosing} onClose={() => setChoosing(false)} title={t('desk.title')} size="lg" centered>
          <ConnectionChoice current={connection} onCancel={() => setChoosing(false)} embedded />
        </Modal>
      )}
    </DeskContext.Provider>
  );
}

export function useDesk(): DeskValue {
  return useContext(DeskContext);
}
