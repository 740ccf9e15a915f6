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

/** A complete referral as the department's form sends it (/department/referrals/new), with consent. */
export function validReferralForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    department_reference: `SMPN1/BK/${Math.random().toString(36).slice(2, 8)}`,
    client_name: 'Rina Putri',
    client_age: '13',
    client_dob: '',
    client_sex: 'female',
    client_nik: '',
    client_address: 'Jl. Sawahan No. 5',
    kecamatan: '13.71.03',
    kelurahan: '',
    client_phone: '',
    category: 'parenting_child_concerns',
    affected_groups: ['child'],
    urgency: 'urgent',
    reason: 'Siswi sering tidak masuk sekolah dan tampak ketakutan saat dijemput pulang.',
    actions_taken: 'Konseling oleh guru BK dua kali.',
    consent: 'obtained',
    consent_method: 'written',
    consent_by: 'Bu Lina, guru BK',
    no_consent_ground: '',
    no_consent_justification: '',
    ...overrides,
  };
}
