import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Operator, SessionState } from '../../shared/contracts/auth';
import type { Permission } from '../../shared/rpc/permissions';
import { disconnectEvents, onEvent, onUnauthorized, reconnectEvents, rpc, setCsrfToken } from '../api/client';
import { useI18n } from '../i18n/I18nProvider';

interface SessionValue {
  /** undefined while the first session check runs. */
  operator: Operator | null | undefined;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
  can(permission: Permission): boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [operator, setOperator] = useState<Operator | null | undefined>(undefined);
  const queryClient = useQueryClient();
  const { setLocale } = useI18n();

  const apply = useCallback(
    (state: SessionState) => {
      setCsrfToken(state.csrfToken);
      setOperator(state.operator);
      if (state.operator) {
        setLocale(state.operator.locale);
        reconnectEvents();
      } else {
        disconnectEvents();
        queryClient.clear();
      }
    },
    [queryClient, setLocale],
  );

  const refresh = useCallback(async () => {
    try {
      apply(await rpc('auth:session', {}));
    } catch {
      setOperator(null);
    }
  }, [apply]);

  useEffect(() => {
    let cancelled = false;
    rpc('auth:session', {}).then(
      (state) => !cancelled && apply(state),
      () => !cancelled && setOperator(null),
    );
    return () => {
      cancelled = true;
    };
  }, [apply]);

  useEffect(() => onUnauthorized(() => apply({ operator: null, csrfToken: null })), [apply]);
  useEffect(() => onEvent('session:ended', () => apply({ operator: null, csrfToken: null })), [apply]);

  const value = useMemo<SessionValue>(
    () => ({
      operator,
      async signIn(username, password) {
        apply(await rpc('auth:sign-in', { username, password }));
      },
      async signOut() {
        try {
          await rpc('auth:sign-out', {});
        } finally {
          apply({ operator: null, csrfToken: null });
        }
      },
      refresh,
      can: (permission) => operator?.permissions.includes(permission) ?? false,
    }),
    [operator, apply, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}

/** The signed-in operator; only for components rendered behind the sign-in gate. */
export function useOperator(): Operator {
  const { operator } = useSession();
  if (!operator) throw new Error('useOperator outside the signed-in area');
  return operator;
}
