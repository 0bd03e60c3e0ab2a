import { AppShell, Badge, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/SessionProvider';
import { useT } from '../i18n/I18nProvider';
import { BorrowerPalette } from '../pages/borrowers/BorrowerPalette';
import { navItems } from './navigation';
import { OperatorMenu } from './OperatorMenu';

/** Live counts or states under a navigation entry (review queue counts, sync state). */
export type NavBadges = Partial<Record<string, ReactNode>>;

export function AppLayout({ badges = {} }: { badges?: NavBadges }) {
  const t = useT();
  const { can } = useSession();
  const location = useLocation();
  const items = navItems.filter((item) => item.permission === null || can(item.permission));

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 250, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Title order={4} style={{ whiteSpace: 'nowrap' }}>
              {t('app.name')}
            </Title>
            <Text size="xs" c="dimmed" visibleFrom="md">
              {t('app.tagline')}
            </Text>
          </Group>
          <OperatorMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="main">
        <ScrollArea>
          {items.map((item) => (
            <NavLink
              key={item.path}
              component={RouterLink}
              to={item.path}
              label={t(item.label)}
              leftSection={<item.icon size={18} stroke={1.6} />}
              description={badges[item.path] ?? undefined}
              active={location.pathname.startsWith(item.path)}
              data-testid={`nav-${item.path.slice(1)}`}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
        <BorrowerPalette />
      </AppShell.Main>
    </AppShell>
  );
}

export function CountBadge({ value, color = 'gray' }: { value: number; color?: string }) {
  return (
    <Badge size="sm" variant="light" color={color} circle={value < 10}>
      {value}
    </Badge>
  );
}
