/** A complete, valid referral as the API takes it (JSON); `overrides` replace top-level fields. */
export function validReferral(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    departmentReference: `PKM-AND/${Math.random().toString(36).slice(2, 10)}`,
    client: {
      name: 'Siti Rahmawati',
      age: 12,
      dateOfBirth: null,
      sex: 'female',
      nik: '1371015505140001',
      address: 'Jl. Andalas No. 12, Padang Timur',
      phone: '0812-6677-8899',
    },
    kecamatanCode: '13.71.01',
    kelurahanCode: '13.71.01.1001',
    category: 'neglect',
    affectedGroups: ['child'],
    urgency: 'urgent',
    reason: 'Anak sering tidak masuk sekolah dan tampak kurang makan; orang tua sulit dihubungi.',
    actionsTaken: 'Kunjungan rumah oleh bidan puskesmas pada 3 Maret.',
    consent: { state: 'obtained', method: 'written', obtainedBy: 'Rina, bidan koordinator' },
    ...overrides,
  };
}

/** The valid referral with its client changed. */
export function withClient(changes: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = validReferral(overrides);
  return { ...base, client: { ...(base.client as Record<string, unknown>), ...changes } };
}
