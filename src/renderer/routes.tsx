import { Center, Loader, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import type { Permission } from '../shared/rpc/permissions';
import { ChangePasswordForm } from './auth/ChangePasswordForm';
import { useSession } from './auth/SessionProvider';
import { SignInPage } from './auth/SignInPage';
import { useConnection } from './api/hooks';
import { useErrorText, useT } from './i18n/I18nProvider';
import { AppLayout } from './layout/AppLayout';
import { ReviewPage } from './pages/review/Review.page';
import { ReviewNavBadge } from './pages/review/ReviewNavBadge';
import { startPage } from './layout/navigation';
import { BorrowersRoutes } from './pages/borrowers/BorrowersRoutes';
import { LinesRoutes } from './pages/lines/LinesRoutes';
import { LoansRoutes } from './pages/loans/LoansRoutes';
import { NotFoundPage } from './pages/NotFound.page';
import { SettingsPage } from './pages/Settings.page';
import { SyncPage } from './pages/sync/Sync.page';
import { ReportsPage } from './pages/reports/Reports.page';

/** Renders children only for operators with the permission; the router enforces it again server-side. */
function Guard({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useSession();
  const t = useT();
  if (can(permission)) return <>{children}</>;
  return (
    <Stack>
      <Title order={3}>{t('forbidden.title')}</Title>
      <Text>{t('forbidden.body')}</Text>
    </Stack>
  );
}

function Home() {
  const { can } = useSession();
  // Straight to the first page (one redirect, not two chained ones a quick click could race).
  return <Navigate to={startPage(can)} replace />;
}

function MustChangePassword() {
  const t = useT();
  const { refresh } = useSession();
  return (
    <Modal opened onClose={() => undefined} withCloseButton={false} title={t('password.title')} centered>
      <Paper>
        <Text size="sm" mb="sm">
          {t('password.mustChange')}
        </Text>
        <ChangePasswordForm onDone={() => void refresh()} />
      </Paper>
    </Modal>
  );
}

export function AppRoutes() {
  const { operator, connectionProblem } = useSession();
  const { online } = useConnection();
  const errorText = useErrorText();
  const t = useT();
  if (operator === undefined) {
    return (
      <Center mih="100vh">
        <Stack align="center" gap="xs">
          <Loader />
          {/* Unreachable is said by the app-wide banner; this names the other passing reasons (busy). */}
          {connectionProblem !== null && online && (
            <Text size="sm" c="dimmed" role="status">
              {t('app.reconnecting', { reason: errorText(connectionProblem) })}
            </Text>
          )}
        </Stack>
      </Center>
    );
  }
  if (operator === null) return <SignInPage />;
  if (operator.mustChangePassword) return <MustChangePassword />;
  return (
    <Routes>
      <Route element={<AppLayout badges={{ '/review': <ReviewNavBadge /> }} />}>
        <Route index element={<Home />} />
        <Route path="review/*" element={<Guard permission="review:work"><ReviewPage /></Guard>} />
        <Route path="lines/*" element={<Guard permission="portfolio:view"><LinesRoutes /></Guard>} />
        <Route path="loans/*" element={<Guard permission="portfolio:view"><LoansRoutes /></Guard>} />
        <Route path="borrowers/*" element={<Guard permission="borrowers:lookup"><BorrowersRoutes /></Guard>} />
        <Route path="reports/*" element={<Guard permission="reports:view"><ReportsPage /></Guard>} />
        <Route path="sync/*" element={<Guard permission="sync:view"><SyncPage /></Guard>} />
        <Route path="settings/*" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
