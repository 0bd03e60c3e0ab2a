import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dates/styles.css';
import './fonts.css';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { HashRouter } from 'react-router';
import { RpcError } from './api/client';
import { SessionProvider } from './auth/SessionProvider';
import { ConnectionBanner } from './components/ConnectionBanner';
import { LocaleMantineProvider } from './components/LocaleMantineProvider';
import { DatesLocale } from './components/DateField';
import { DeskProvider } from './desk/DeskProvider';
import { I18nProvider } from './i18n/I18nProvider';
import { AppRoutes } from './routes';

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
    <I18nProvider>
      <LocaleMantineProvider>
        {/* Over the navigation's empty foot: a notice never lands on a toolbar button. */}
        <Notifications position="bottom-left" containerWidth={226} limit={3} />
        <QueryClientProvider client={queryClient}>
          <ConnectionBanner />
          <DatesLocale>
            <DeskProvider>
              <SessionProvider>
                <HashRouter>
                  <AppRoutes />
                </HashRouter>
              </SessionProvider>
            </DeskProvider>
          </DatesLocale>
        </QueryClientProvider>
      </LocaleMantineProvider>
    </I18nProvider>
  );
}
