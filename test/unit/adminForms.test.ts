import fs from 'node:fs';
import path from 'node:path';
import { parseAreasCsv } from '../../src/domain/areas';
import { isCalendarDate, startOfJakartaDay, startOfNextJakartaDay } from '../../src/domain/calendarDate';
import { partnerTypeLabel, partnerTypes, servesArea } from '../../src/domain/partners';
import { parsePartnerForm, partnerFormValues } from '../../src/routes/staff/partnerForm';
import { loadTranslator, locales } from '../../src/i18n';
import { projectRoot } from '../../src/paths';

const areas = parseAreasCsv(fs.readFileSync(path.join(projectRoot, 'reference', 'padang-wilayah.csv'), 'utf8'));
const translator = loadTranslator();

const valid = {
  name: 'UPTD PPA Kota Padang',
  type: 'uptd_ppa',
  phone: '(0751) 123456',
  email: 'uptdppa@padang.go.id',
  address: 'Jl. Contoh 1',
  areas: [] as string[],
};

describe('the partner form', () => {
  it('accepts a complete partner, trimming text and keeping areas in directory order', () => {
    const [first, second] = areas.kecamatan;
    const result = parsePartnerForm(
      partnerFormValues({ ...valid, name: '  UPTD PPA  ', areas: [second!.code, first!.code, first!.code] }),
      areas,
    );
    expect(result).toEqual({
      ok: true,
      fields: {
        name: 'UPTD PPA',
        type: 'uptd_ppa',
        phone: '(0751) 123456',
        email: 'uptdppa@padang.go.id',
        address: 'Jl. Contoh 1',
        areasServed: [first!.code, second!.code],
      },
    });
  });

  it('accepts a phone without an email, and an email without a phone', () => {
    expect(parsePartnerForm(partnerFormValues({ ...valid, email: '' }), areas).ok).toBe(true);
    expect(parsePartnerForm(partnerFormValues({ ...valid, phone: '' }), areas).ok).toBe(true);
    expect(parsePartnerForm(partnerFormValues({ ...valid, phone: '129' }), areas).ok).toBe(true);
    expect(parsePartnerForm(partnerFormValues({ ...valid, phone: '+62 811-2345-678' }), areas).ok).toBe(true);
  });

  it('names every wrong field at once', () => {
    const result = parsePartnerForm(
      partnerFormValues({
        name: 'x',
        type: 'church',
        phone: 'call us',
        email: 'not-an-email',
        address: 'a'.repeat(501),
        areas: ['99.99.99'],
      }),
      areas,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byField = Object.fromEntries(result.issues.map((i) => [String(i.path[0]), i.message]));
    expect(byField).toEqual({ name: 'name', type: 'type', phone: 'phone', email: 'email', address: 'address_long', areas: 'areas' });
  });

  it('needs a way to reach the partner', () => {
    const result = parsePartnerForm(partnerFormValues({ ...valid, phone: ' ', email: '' }), areas);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.message)).toEqual(['contact_missing']);
  });

  it('takes only strings from the body, never objects', () => {
    const values = partnerFormValues({ name: { $gt: '' }, areas: [{}, '13.71.01'] } as Record<string, unknown>);
    expect(values.name).toBe('');
    expect(values.areas).toEqual(['13.71.01']);
  });
});

describe('partner types', () => {
  it('have a label in both languages', () => {
    for (const l of locales) {
      for (const type of partnerTypes) expect(translator.has(l, partnerTypeLabel(type))).toBe(true);
    }
    expect(partnerTypeLabel('unknown')).toBe('partners.types.other');
  });

  it('an empty area list serves the whole city', () => {
    expect(servesArea({ areasServed: [] }, '13.71.01')).toBe(true);
    expect(servesArea({ areasServed: ['13.71.02'] }, '13.71.01')).toBe(false);
  });
});

describe('admin locale keys used through variables', () => {
  it('exist in both languages', () => {
    const keys = [
      'partners.form.activeNote',
      'partners.form.inactiveNote',
      'partners.deactivate',
      'partners.reactivate',
      ...['created', 'updated', 'deactivated', 'reactivated'].map((n) => `partners.notices.${n}`),
      ...['holidayAdded', 'holidayRemoved', 'holidayAlreadyGone'].map((n) => `settings.notices.${n}`),
      ...['name', 'name_long', 'name_taken', 'type', 'phone', 'email', 'address_long', 'areas', 'contact_missing'].map(
        (e) => `partners.errors.${e}`,
      ),
      ...['date', 'date_past', 'date_taken', 'name_id', 'name_en', 'name_long'].map((e) => `settings.errors.${e}`),
      ...['action', 'actor', 'subject_type', 'subject_id', 'from', 'to', 'to_before_from', 'before'].map((e) => `audit.errors.${e}`),
    ];
    expect(keys.filter((k) => locales.some((l) => !translator.has(l, k)))).toEqual([]);
  });
});

describe('calendar dates', () => {
  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isCalendarDate('2026-12-25')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '25-12-2026', '', '2026-12-25T00:00', ' 2026-12-25']) {
      expect(isCalendarDate(bad)).toBe(false);
    }
  });

  it('bounds a Jakarta day in UTC', () => {
    expect(startOfJakartaDay('2026-12-25').toISOString()).toBe('2026-12-24T17:00:00.000Z');
    expect(startOfNextJakartaDay('2026-12-25').toISOString()).toBe('2026-12-25T17:00:00.000Z');
  });
});
