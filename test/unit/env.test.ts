import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnvironment, settingsFile } from '../../src/env';
import { loadConfig } from '../../src/config';

describe('the settings file (.env)', () => {
  let root: string;
  let elsewhere: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-root-'));
    elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'lentera-cwd-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });

  it('is found beside package.json when a command runs from another folder, so links use BASE_URL', () => {
    fs.writeFileSync(path.join(root, '.env'), 'BASE_URL=https://lentera.example.id\n# a comment\nORG_NAME="LK3 Kota Contoh"\n');
    const file = settingsFile(elsewhere, root);
    expect(file).toBe(path.join(root, '.env'));
    const config = loadConfig(readEnvironment({ PATH: '/usr/bin' }, file));
    expect(config.baseUrl).toBe('https://lentera.example.id');
    expect(config.orgName).toBe('LK3 Kota Contoh');
  });

  it('prefers the working directory’s file, and the environment over any file', () => {
    fs.writeFileSync(path.join(root, '.env'), 'BASE_URL=https://root.example.id\n');
    fs.writeFileSync(path.join(elsewhere, '.env'), 'BASE_URL=https://cwd.example.id\nPORT=4000\n');
    const file = settingsFile(elsewhere, root);
    expect(file).toBe(path.join(elsewhere, '.env'));
    expect(readEnvironment({}, file)).toMatchObject({ BASE_URL: 'https://cwd.example.id', PORT: '4000' });
    expect(readEnvironment({ PORT: '5000' }, file).PORT).toBe('5000');
  });

  it('is optional', () => {
    expect(settingsFile(elsewhere, root)).toBeNull();
    expect(readEnvironment({ PORT: '1' }, null)).toEqual({ PORT: '1' });
  });
});
