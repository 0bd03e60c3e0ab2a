import '@mantine/charts/styles.css';
import { Stack, Tabs } from '@mantine/core';
import type { ReactElement } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useSession } from '../../auth/SessionProvider';
import { PageHeader } from '../../components/PageHeader';
import { useT } from '../../i18n/I18nProvider';
import { AuditLog } from '../audit/AuditLog';
import { AuthFunnelReport } from './AuthFunnelReport';
import { PortfolioReport } from './PortfolioReport';
import { ReportFilters, useReportFilter } from './ReportFilters';
import { ReviewOperationsReport } from './ReviewOperationsReport';

/** Reports for supervisors and the audit log, each a tab with its own filters and export. */
export function ReportsPage() {
  const t = useT();
  const { can } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const { filter, update } = useReportFilter();
  const tabs = [
    { value: 'review', label: t('reports.tab.review'), panel: <ReviewOperationsReport filter={filter} /> },
    { value: 'funnel', label: t('reports.tab.funnel'), panel: <AuthFunnelReport filter={filter} /> },
    can('portfolio:view') && { value: 'portfolio', label: t('reports.tab.portfolio'), panel: <PortfolioReport filter={filter} /> },
    can('audit:view') && { value: 'audit', label: t('reports.tab.audit'), panel: <AuditLog /> },
  ].filter((tab): tab is { value: string; label: string; panel: ReactElement } => Boolean(tab));
  const requested = useParams()['*']?.split('/')[0];
  const active = tabs.some((tab) => tab.value === requested) ? (requested as string) : 'review';

  return (
    <>
      <PageHeader title={t('reports.title')} description={active === 'audit' ? t('audit.description') : t('reports.description')} />
      <Tabs value={active} onChange={(value) => value && navigate(`/reports/${value}${value === 'audit' ? '' : location.search}`)} keepMounted={false}>
        <Tabs.List mb="md">
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((tab) => (
          <Tabs.Panel key={tab.value} value={tab.value}>
            <Stack gap="md">
              {tab.value !== 'audit' && <ReportFilters filter={filter} update={update} />}
              {tab.panel}
            </Stack>
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
