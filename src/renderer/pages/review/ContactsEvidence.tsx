import { Anchor, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconAddressBook, IconPhoneCall } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { TaskDetail } from '../../../shared/contracts/review';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { FindingBadge, label, PersonalValue } from './shared';

type Contacts = NonNullable<TaskDetail['contacts']>;
type AddressBook = NonNullable<Contacts['contacts'][number]['addressBook']>;

/**
 * What the address book says about a contact: the relationships its remark (or saved name) names,
 * whether the saved name is the typed one and shares the borrower's surname. The saved name and
 * remark themselves stay masked whole (they often hold part of the contact's name); each is one
 * recorded reveal away.
 */
function AddressBookEntry({ taskId, entry, canReveal, flagged }: { taskId: number; entry: AddressBook; canReveal: boolean; flagged: boolean }) {
  const { t } = useI18n();
  return (
    <Stack gap={0} data-testid="address-book-entry">
      <Text size="sm" fw={600} c={flagged ? 'orange.8' : undefined} data-testid="address-book-suggests">
        {entry.suggests.length > 0 && entry.suggestsFrom
          ? t('review.contacts.suggests', {
              source: label(t, 'review.contacts.suggestsFrom', entry.suggestsFrom),
              relationships: entry.suggests.map((relationship) => label(t, 'review.relationship', relationship)).join(t('common.listSeparator')),
            })
          : t('review.contacts.suggestsNothing')}
      </Text>
      <Text size="xs" c="dimmed">
        {t(entry.nameMatchesContact ? 'review.contacts.nameMatches' : 'review.contacts.nameDiffers')}
        {entry.sharesBorrowerSurname ? `${t('common.listSeparator')}${t('review.contacts.sameSurname')}` : ''}
      </Text>
      <Group gap={4} wrap="nowrap">
        <Text size="xs" c="dimmed">
          {t('review.contacts.savedName')}:
        </Text>
        <PersonalValue taskId={taskId} value={entry.displayName} canReveal={canReveal} size="xs" />
        <Text size="xs" c="dimmed">
          {t('review.contacts.remark')}:
        </Text>
        {entry.remark ? (
          <PersonalValue taskId={taskId} value={entry.remark} canReveal={canReveal} size="xs" />
        ) : (
          <Text size="xs">{t('review.contacts.noRemark')}</Text>
        )}
      </Group>
    </Stack>
  );
}

/** Each emergency contact with the relationship chosen, the address-book match and remark, calls and findings. */
export function ContactsEvidence({ taskId, contacts, canReveal }: { taskId: number; contacts: Contacts; canReveal: boolean }) {
  const { t, locale } = useI18n();
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Title order={6}>{t('review.contacts.title', { count: contacts.contacts.length })}</Title>
        <Text size="xs" c="dimmed">
          {t('review.contacts.addressBookSize', { count: contacts.addressBookSize })}
        </Text>
      </Group>
      <Text size="xs" c="dimmed" data-testid="contacts-mask-note">
        {t('review.contacts.maskNote')}
      </Text>
      {contacts.contacts.map((contact) => (
        <Paper key={contact.index} withBorder p="sm" radius="sm" data-testid={`contact-${contact.index}`} style={{ borderLeft: `4px solid var(--mantine-color-${contact.findings.length > 0 ? 'orange' : 'green'}-5)` }}>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Group gap="lg" align="flex-start" wrap="wrap">
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {t('review.contacts.contact', { index: contact.index + 1 })}
                </Text>
                <PersonalValue taskId={taskId} value={contact.name} canReveal={canReveal} />
                <PersonalValue taskId={taskId} value={contact.phone} canReveal={canReveal} mono />
              </Stack>
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {t('review.contacts.relationship')}
                </Text>
                <Text size="sm" fw={600}>
                  {label(t, 'review.relationship', contact.relationship)}
                </Text>
              </Stack>
              <Stack gap={0}>
                <Group gap={4}>
                  <IconAddressBook size={14} />
                  <Text size="xs" c="dimmed">
                    {t('review.contacts.addressBook')}
                  </Text>
                </Group>
                {contact.addressBook ? (
                  <AddressBookEntry taskId={taskId} entry={contact.addressBook} canReveal={canReveal} flagged={contact.findings.some((code) => code.startsWith('contact_relationship_'))} />
                ) : (
                  <Text size="sm" c="red.8" fw={600}>
                    {t('review.contacts.notInBook')}
                  </Text>
                )}
              </Stack>
              <Stack gap={0}>
                <Group gap={4}>
                  <IconPhoneCall size={14} />
                  <Text size="xs" c="dimmed">
                    {t('review.contacts.calls')}
                  </Text>
                </Group>
                <Text size="sm" fw={600} c={contact.callCount === 0 ? 'red.8' : undefined}>
                  {t('review.contacts.callCount', { count: contact.callCount })}
                </Text>
                <Text size="xs" c="dimmed">
                  {contact.lastCallAt ? t('review.contacts.lastCall', { at: formatDateTime(contact.lastCallAt, locale) }) : t('review.contacts.neverCalled')}
                </Text>
              </Stack>
            </Group>
          </Group>
          {contact.findings.length > 0 && (
            <Group gap={4} mt="xs">
              {contact.findings.map((code) => (
                <FindingBadge key={code} code={code} />
              ))}
            </Group>
          )}
          {contact.sharedTotal > 0 && (
            <Stack gap={2} mt="xs">
              <Text size="xs" fw={600} c="orange.8">
                {t('review.contacts.sharedWith', { count: contact.sharedTotal })}
              </Text>
              <Table withRowBorders={false} verticalSpacing={1}>
                <Table.Tbody>
                  {contact.sharedWith.map((other) => (
                    <Table.Tr key={other.applicationId}>
                      <Table.Td w={90}>{other.institutionCode}</Table.Td>
                      <Table.Td>
                        {other.taskId ? (
                          <Anchor component={Link} to={`/review/task/${other.taskId}`} size="sm" ff="monospace">
                            {other.externalId}
                          </Anchor>
                        ) : (
                          <Text size="sm" ff="monospace">
                            {other.externalId}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Anchor href={`#/borrowers/${other.borrowerId}`} size="xs">
                          {t('review.contacts.borrowerPage')}
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          )}
          {contact.overdueBorrowerId !== null && (
            <Group gap={6} mt="xs">
              <Badge color="red" variant="filled" style={{ textTransform: 'none' }}>
                {t('review.contacts.overdue')}
              </Badge>
              <Anchor href={`#/borrowers/${contact.overdueBorrowerId}`} size="sm" data-testid="overdue-borrower-link">
                {t('review.contacts.openOverdueBorrower')}
              </Anchor>
            </Group>
          )}
        </Paper>
      ))}
    </Stack>
  );
}
