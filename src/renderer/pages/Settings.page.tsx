import { Tabs } from '@mantine/core';
import type { ReactElement } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useSession } from '../auth/SessionProvider';
import { PageHeader } from '../components/PageHeader';
import { useT } from '../i18n/I18nProvider';
import { AboutPanel } from './settings/AboutPanel';
import { InstitutionsPanel } from './settings/InstitutionsPanel';
import { LogsPanel } from './settings/LogsPanel';
import { RulesPanel } from './settings/RulesPanel';
import { ReviewSettingsPanel } from './settings/ReviewSettingsPanel';
import { UsersPanel } from './settings/UsersPanel';

export function SettingsPage() {
  const t = useT();
  const { can } = useSession();
  const navigate = useNavigate();
  const tabs = [
    can('users:manage') && { value: 'users', label: t('settings.tab.users'), panel: <UsersPanel /> },
    can('institutions:manage') && { value: 'institutions', label: t('settings.tab.institutions'), panel: <InstitutionsPanel /> },
    can('settings:manage') && { value: 'rules', label: t('settings.tab.rules'), panel: <RulesPanel /> },
    can('system:logs') && { value: 'logs', label: t('settings.tab.logs'), panel: <LogsPanel /> },
    can('review:configure') && { value: 'review', label: t('settings.tab.review'), panel: <ReviewSettingsPanel /> },
    { value: 'about', label: t('settings.tab.about'), panel: <AboutPanel /> },
  ].filter((tab): tab is { value: string; label: string; panel: ReactElement } => Boolean(tab));
  const params = useParams();
  const requested = params['*']?.split('/')[0];
  const active = tabs.some((tab) => tab.value === requested) ? (requested as string) : (tabs[0]?.value ?? 'about');

  return (
    <>
      <PageHeader title={t('settings.title')} />
      <Tabs value={active} onChange={(value) => value && navigate(`/settings/${value}`)} keepMounted={false}>
        <Tabs.List mb="md">
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((tab) => (
          <Tabs.Panel key={tab.value} value={tab.value}>
            {tab.panel}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
