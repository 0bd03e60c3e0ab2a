// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider, useI18n } from '../i18n/I18nProvider';
import { installDomStandIns } from '../testing';
import { LocaleMantineProvider } from './LocaleMantineProvider';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

/** The font stack Mantine's CSS variables give the whole app. */
function fontStack(): string {
  const css = [...document.querySelectorAll('style')].map((style) => style.textContent ?? '').join('\n');
  return /--mantine-font-family:\s*([^;]+);/.exec(css)?.[1] ?? '';
}

function Switch() {
  const { setLocale } = useI18n();
  return <button onClick={() => setLocale('zh-CN')}>中文</button>;
}

describe('the app’s fonts follow its language', () => {
  it('English draws ‘ ’ “ ” from a Latin font (a Chinese font draws them full-width: "server’ s"); Chinese keeps its own', () => {
    installDomStandIns();
    localStorage.setItem('creditdesk.locale', 'en');
    render(
      <I18nProvider>
        <LocaleMantineProvider>
          <Switch />
        </LocaleMantineProvider>
      </I18nProvider>,
    );
    expect(fontStack()).toMatch(/^"CreditDesk Latin Quotes", -apple-system, .*"WenQuanYi Micro Hei", Roboto/);
    fireEvent.click(screen.getByText('中文'));
    expect(fontStack()).toMatch(/^-apple-system, .*"WenQuanYi Micro Hei", Roboto/);
    expect(fontStack()).not.toContain('CreditDesk Latin Quotes');
  });
});
