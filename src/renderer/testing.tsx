import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { I18nProvider } from './i18n/I18nProvider';

/** Mantine under jsdom needs matchMedia, ResizeObserver, scrollIntoView and document.fonts; component tests call this first. */
export function installDomStandIns(): void {
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false })) as typeof window.matchMedia;
  // Textarea's autosize listens for web fonts loading.
  if (!('fonts' in document)) Object.defineProperty(document, 'fonts', { value: { status: 'loaded', ready: Promise.resolve(), addEventListener() {}, removeEventListener() {} } });
  // Combobox options scroll into view as the selection moves.
  Element.prototype.scrollIntoView ??= function scrollIntoView() {};
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

/** A component with the app's providers around it (theme, queries, i18n in the given language, a router). */
export function renderWithProviders(ui: ReactNode, { locale = 'zh-CN' }: { locale?: 'zh-CN' | 'en' } = {}) {
  installDomStandIns();
  localStorage.setItem('creditdesk.locale', locale);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider>
      <QueryClientProvider client={client}>
        <I18nProvider>
          <MemoryRouter>{ui}</MemoryRouter>
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
