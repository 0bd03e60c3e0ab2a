import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dates/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { HashRouter } from 'react-router';
import { RpcError } from './api/client';
import { SessionProvider } from './auth/SessionProvider';
import { DatesLocale } from './components/DateField';
import { I18nProvider } from './i18n/I18nProvider';
import { AppRoutes } from './routes';
import { theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Retry only what the contract says may succeed on a second try.
      retry: (failures, error) => error instanceof RpcError && error.retryable && failures < 2,
    },
  },
});

/** Providers only; the screens live in routes and pages. */
export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <DatesLocale>
            <SessionProvider>
              <HashRouter>
                <AppRoutes />
              </HashRouter>
            </SessionProvider>
          </DatesLocale>
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
