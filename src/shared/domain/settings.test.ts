import { describe, expect, it } from 'vitest';
import { defaultDomainSettings, domainSettingsSchema, graceDaysFor, resolveDomainSettings } from './settings';

describe('domain settings', () => {
  it('defaults match DOMAIN.md', () => {
    expect(domainSettingsSchema.parse(defaultDomainSettings)).toEqual(defaultDomainSettings);
    expect(defaultDomainSettings).toMatchObject({ aprWarningBps: 2_400, aprNonCompliantBps: 3_600, sharedContactMinApplicants: 3, penaltyMultiplier: '1.5', penaltyDayBasis: 360 });
    expect(defaultDomainSettings.faceBands).toHaveLength(5);
  });

  it('fills missing stored keys with defaults and validates the rest', () => {
    expect(resolveDomainSettings({ graceDays: 2 })).toEqual({ ...defaultDomainSettings, graceDays: 2 });
    expect(resolveDomainSettings(undefined)).toEqual(defaultDomainSettings);
    expect(() => resolveDomainSettings({ graceDays: 4 })).toThrow();
    expect(() => resolveDomainSettings({ aprWarningBps: 4_000 })).toThrow(/warning threshold/);
    expect(() => resolveDomainSettings({ faceBands: [...defaultDomainSettings.faceBands, defaultDomainSettings.faceBands[0]] })).toThrow(/one face band/);
  });

  it('uses an institution\'s grace days where set', () => {
    const settings = resolveDomainSettings({ graceDays: 1, graceDaysByInstitution: { 'inst-a': 3 } });
    expect(graceDaysFor(settings, 'inst-a')).toBe(3);
    expect(graceDaysFor(settings, 'inst-b')).toBe(1);
  });
});
