import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { deskSettingsFileName, filePinStore, readDeskSettings, writeDeskSettings } from './desk-settings';

const folders = tempFolders('creditdesk-desk-');
const folder = folders.folder;
afterEach(() => folders.removeAll());

describe('the desktop’s connection settings', () => {
  it('asks again (mode null) when nothing or something unreadable is stored', () => {
    const dir = folder();
    expect(readDeskSettings(dir)).toEqual({ mode: null, serverUrl: null, caFile: null, pins: {} });
    writeFileSync(path.join(dir, deskSettingsFileName), '{ not json');
    expect(readDeskSettings(dir).mode).toBeNull();
  });

  it('remembers team mode and the confirmed pins, readable by the user only', () => {
    const dir = folder();
    writeDeskSettings(dir, { mode: 'team', serverUrl: 'https://desk.example.com', caFile: null, pins: {} });
    filePinStore(dir).set('https://desk.example.com', 'ab'.repeat(32));
    expect(readDeskSettings(dir)).toEqual({
      mode: 'team',
      serverUrl: 'https://desk.example.com',
      caFile: null,
      pins: { 'https://desk.example.com': Array(32).fill('AB').join(':') },
    });
    expect(filePinStore(dir).get('https://other.example.com')).toBeNull();
    if (process.platform !== 'win32') expect(statSync(path.join(dir, deskSettingsFileName)).mode & 0o777).toBe(0o600);
    expect(() => filePinStore(dir).set('https://desk.example.com', 'AB:CD')).toThrow(/64 hex digits/);
  });
});
