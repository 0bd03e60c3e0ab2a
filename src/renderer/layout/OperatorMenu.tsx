import { Avatar, Group, Menu, Modal, Text, UnstyledButton, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconKey, IconLanguage, IconLogout, IconPalette, IconServer } from '@tabler/icons-react';
import type { Locale } from '../../shared/contracts/auth';
import { useRpcMutation } from '../api/hooks';
import { ChangePasswordForm } from '../auth/ChangePasswordForm';
import { useOperator, useSession } from '../auth/SessionProvider';
import { useDesk } from '../desk/DeskProvider';
import { useI18n } from '../i18n/I18nProvider';

export function OperatorMenu() {
  const operator = useOperator();
  const { signOut, refresh } = useSession();
  const { t, locale, setLocale } = useI18n();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const [passwordOpen, password] = useDisclosure(false);
  const desk = useDesk();
  const saveLocale = useRpcMutation('auth:set-locale');

  async function chooseLocale(next: Locale) {
    setLocale(next);
    await saveLocale.mutateAsync({ locale: next });
    await refresh();
  }

  const schemes: Array<{ value: MantineColorScheme; label: 'menu.theme.light' | 'menu.theme.dark' | 'menu.theme.auto' }> = [
    { value: 'light', label: 'menu.theme.light' },
    { value: 'dark', label: 'menu.theme.dark' },
    { value: 'auto', label: 'menu.theme.auto' },
  ];

  return (
    <>
      <Menu position="bottom-end" width={220} withinPortal>
        <Menu.Target>
          <UnstyledButton aria-label={operator.displayName} data-testid="operator-menu">
            <Group gap={8}>
              <Avatar size={28} radius="xl" color="indigo">
                {operator.displayName.slice(0, 1).toUpperCase()}
              </Avatar>
              <div style={{ lineHeight: 1.1 }}>
                <Text size="sm" fw={500}>
                  {operator.displayName}
                </Text>
                <Text size="xs" c="dimmed">
                  {t(`role.${operator.role}`)}
                </Text>
              </div>
              <IconChevronDown size={14} />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            <Group gap={6}>
              <IconLanguage size={14} />
              {t('menu.language')}
            </Group>
          </Menu.Label>
          <Menu.Item onClick={() => void chooseLocale('zh-CN')} fw={locale === 'zh-CN' ? 700 : 400}>
            中文（简体）
          </Menu.Item>
          <Menu.Item onClick={() => void chooseLocale('en')} fw={locale === 'en' ? 700 : 400}>
            English
          </Menu.Item>
          <Menu.Divider />
          <Menu.Label>
            <Group gap={6}>
              <IconPalette size={14} />
              {t('menu.theme')}
            </Group>
          </Menu.Label>
          {schemes.map((scheme) => (
            <Menu.Item key={scheme.value} onClick={() => setColorScheme(scheme.value)} fw={colorScheme === scheme.value ? 700 : 400}>
              {t(scheme.label)}
            </Menu.Item>
          ))}
          <Menu.Divider />
          {desk.connection.canChoose && (
            <Menu.Item leftSection={<IconServer size={16} />} onClick={desk.openChoice} data-testid="menu-desk">
              {t('desk.menu')}
            </Menu.Item>
          )}
          <Menu.Item leftSection={<IconKey size={16} />} onClick={password.open}>
            {t('menu.changePassword')}
          </Menu.Item>
          <Menu.Item leftSection={<IconLogout size={16} />} color="red" onClick={() => void signOut()}>
            {t('menu.signOut')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={passwordOpen} onClose={password.close} title={t('password.title')}>
        <ChangePasswordForm onDone={password.close} />
      </Modal>
    </>
  );
}
