/** Kecamatan and kelurahan of the service's city, from a Kemendagri-coded CSV (pure parsing, no I/O). */
export interface Kelurahan {
  code: string;
  name: string;
}

export interface Kecamatan {
  code: string;
  name: string;
  kelurahan: Kelurahan[];
}

export interface AreaDirectory {
  kecamatan: Kecamatan[];
  findKecamatan(code: string): Kecamatan | undefined;
  /** The kelurahan, if it exists and lies in the given kecamatan. */
  findKelurahan(kecamatanCode: string, kelurahanCode: string): Kelurahan | undefined;
}

const kelurahanCode = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/;

/** Parses `kode_kemendagri,kecamatan,kelurahan`; the kecamatan code is the first three parts. */
export function parseAreasCsv(text: string): AreaDirectory {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.trim();
  if (header !== 'kode_kemendagri,kecamatan,kelurahan') {
    throw new Error('Area CSV must start with the header kode_kemendagri,kecamatan,kelurahan');
  }
  const byCode = new Map<string, Kecamatan>();
  lines.forEach((line, i) => {
    const [code, kecamatanName, kelurahanName] = line.split(',').map((s) => s.trim());
    if (!code || !kelurahanCode.test(code) || !kecamatanName || !kelurahanName) {
      throw new Error(`Area CSV line ${i + 2} is not "code,kecamatan,kelurahan": ${line}`);
    }
    const kecCode = code.split('.').slice(0, 3).join('.');
    let kec = byCode.get(kecCode);
    if (!kec) {
      kec = { code: kecCode, name: kecamatanName, kelurahan: [] };
      byCode.set(kecCode, kec);
    }
    kec.kelurahan.push({ code, name: kelurahanName });
  });
  const kecamatan = [...byCode.values()].sort((a, b) => a.name.localeCompare(b.name, 'id'));
  for (const k of kecamatan) k.kelurahan.sort((a, b) => a.name.localeCompare(b.name, 'id'));
  return {
    kecamatan,
    findKecamatan: (code) => byCode.get(code),
    findKelurahan: (kecCode, kelCode) => byCode.get(kecCode)?.kelurahan.find((k) => k.code === kelCode),
  };
}
