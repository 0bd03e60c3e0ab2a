// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../../shared/contracts/review';
import { renderWithProviders } from '../../testing';
import { defaultView } from './ImageViewer';
import { OcrEvidence } from './OcrEvidence';

type Ocr = NonNullable<TaskDetail['ocr']>;
const clear = (value: string) => ({ value, revealKey: null });
const idCheck: Ocr['submittedId'] = { number: clear('620102********8759'), valid: true, errors: [], checkExpected: '9', checkActual: '9', sex: 'male', birthDate: null, ageBand: null, province: '甘肃' };

function ocr(overrides: Partial<Ocr> = {}): Ocr {
  return {
    fields: [
      { field: 'name', ocr: clear('王*'), compared: clear('王*'), comparedSource: 'submitted', mismatch: false },
      { field: 'validFrom', ocr: clear('2006-03-21'), compared: null, comparedSource: null, mismatch: false },
      { field: 'validTo', ocr: clear('2026-03-21'), compared: null, comparedSource: null, mismatch: true },
    ],
    submittedId: idCheck,
    ocrId: idCheck,
    validity: { from: '2006-03-21', to: '2026-03-21', longTerm: false, daysLeft: -261, state: 'expired' },
    qualityWarnings: ['glare'],
    qualityScore: 71,
    hasImages: false,
    ...overrides,
  };
}

afterEach(cleanup);

describe('OcrEvidence', () => {
  it('labels an expired card’s validity row "expired", not "mismatch", and shows no green "all match" over other findings', () => {
    renderWithProviders(<OcrEvidence taskId={1} ocr={ocr()} canSeeImages={false} canReveal={false} view={defaultView} findingCount={2} />);
    expect(screen.getByTestId('ocr-result-validTo').textContent).toBe('已过期');
    expect(screen.queryByText('不一致')).toBeNull();
    const badge = screen.getByTestId('ocr-mismatches');
    expect(badge.textContent).not.toBe('全部一致');
    expect(badge.textContent).toContain('2 个风险点');
  });

  it('is green "all match" only when nothing put the task here', () => {
    renderWithProviders(<OcrEvidence taskId={1} ocr={ocr({ fields: [] })} canSeeImages={false} canReveal={false} view={defaultView} findingCount={0} />, { locale: 'en' });
    expect(screen.getByTestId('ocr-mismatches').textContent).toBe('All match');
  });
});
