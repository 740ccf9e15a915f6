import fs from 'node:fs';
import path from 'node:path';
import { parseAreasCsv } from '../../src/domain/areas';
import { projectRoot } from '../../src/paths';

describe('area reference (Kota Padang)', () => {
  const areas = parseAreasCsv(fs.readFileSync(path.join(projectRoot, 'reference', 'padang-wilayah.csv'), 'utf8'));

  it('has the 11 kecamatan and 104 kelurahan of the reference file', () => {
    expect(areas.kecamatan).toHaveLength(11);
    expect(areas.kecamatan.reduce((n, k) => n + k.kelurahan.length, 0)).toBe(104);
    expect(areas.findKecamatan('13.71.01')?.name).toBe('Padang Selatan');
  });

  it('finds a kelurahan only inside its own kecamatan', () => {
    expect(areas.findKelurahan('13.71.01', '13.71.01.1001')?.name).toBe('Belakang Pondok');
    expect(areas.findKelurahan('13.71.02', '13.71.01.1001')).toBeUndefined();
  });

  it('refuses a file without the expected header or with a broken line', () => {
    expect(() => parseAreasCsv('code,name\n')).toThrow(/header/);
    expect(() => parseAreasCsv('kode_kemendagri,kecamatan,kelurahan\n13.71,Padang,\n')).toThrow(/line 2/);
  });
});
