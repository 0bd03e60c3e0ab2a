import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Operator, SessionState } from '../../shared/contracts/auth';
import type { Permission } from '../../shared/rpc/permissions';
import { disconnectEvents, onEvent, onUnauthorized, reconnectEvents, rpc, RpcError, setCsrfToken } from '../api/client';
import { useRpcMutation } from '../api/hooks';
import { useI18n } from '../i18n/I18nProvider';

interface SessionValue {
  /** undefined while the first session check runs. */
  operator: Operator | null | undefined;
  /** The error while the first session check keeps failing for a passing reason (server busy or unreachable). */
  connectionProblem: unknown;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
  can(permission: Permission): boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [operator, setOperator] = useState<Operator | null | undefined>(undefined);
  /** Why the first session check is still retrying (null when it is not). */
  const [connectionProblem, setConnectionProblem] = useState<unknown>(null);
  const queryClient = useQueryClient();
  const { locale, setLocale } = useI18n();
  const { mutateAsync: signInCall } = useRpcMutation('auth:sign-in');
  const { mutateAsync: signOutCall } = useRpcMutation('auth:sign-out');
  const { mutateAsync: setLocaleCall } = useRpcMutation('auth:set-locale');

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
    } catch (error) {
      // Only the server saying "no session" signs the operator out; a passing failure keeps them.
      if (error instanceof RpcError && error.code === 'UNAUTHORIZED') setOperator(null);
    }
  }, [apply]);

  // Session discovery at start: a server that is busy or briefly unreachable is retried with a
  // growing pause (the loading screen says so) instead of showing the sign-in form to someone who
  // is signed in.
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = (failures: number) => {
      rpc('auth:session', {}).then(
        (state) => {
          if (cancelled) return;
          setConnectionProblem(null);
          apply(state);
        },
        (error: unknown) => {
          if (cancelled) return;
          if (error instanceof RpcError && !error.retryable) {
            setConnectionProblem(null);
            setOperator(null);
            return;
          }
          setConnectionProblem(error);
          timer = setTimeout(() => attempt(failures + 1), Math.min(1000 * 2 ** failures, 10_000));
        },
      );
    };
    attempt(0);
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [apply]);

  useEffect(() => onUnauthorized(() => apply({ operator: null, csrfToken: null })), [apply]);
  useEffect(() => onEvent('session:ended', () => apply({ operator: null, csrfToken: null })), [apply]);
  // The server could not replay the pushes this window missed (it restarted, or too many passed): refetch everything.
  useEffect(() => onEvent('events:resync', () => void queryClient.invalidateQueries()), [queryClient]);

  const value = useMemo<SessionValue>(
    () => ({
      operator,
      connectionProblem,
      async signIn(username, password) {
        const state = await signInCall({ username, password });
        // The language chosen on the sign-in page wins over the one stored with the account, and
        // is stored for next time (a new account starts in zh-CN whatever was picked otherwise).
        if (state.operator && state.operator.locale !== locale) {
          setCsrfToken(state.csrfToken);
          const saved = await setLocaleCall({ locale }).catch(() => null);
          apply({ ...state, operator: saved ?? { ...state.operator, locale } });
          return;
        }
        apply(state);
      },
      async signOut() {
        try {
          await signOutCall({});
        } finally {
          apply({ operator: null, csrfToken: null });
        }
      },
      refresh,
      can: (permission) => operator?.permissions.includes(permission) ?? false,
    }),
    [operator, connectionProblem, apply, refresh, locale, signInCall, signOutCall, setLocaleCall],
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
