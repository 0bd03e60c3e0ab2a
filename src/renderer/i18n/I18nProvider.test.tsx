// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider } from './I18nProvider';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('I18nProvider', () => {
  it('names the page’s language from the first render (a stored English choice left <html lang="zh-CN">)', () => {
    document.documentElement.lang = 'zh-CN';
    localStorage.setItem('creditdesk.locale', 'en');
    render(
      <I18nProvider>
        <p>x</p>
      </I18nProvider>,
    );
    expect(document.documentElement.lang).toBe('en');
  });
});
