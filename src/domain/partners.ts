/** Partner institution types (DESIGN.md, reference data). Labels live in the locale files under partners.types. */
export const partnerTypes = [
  'uptd_ppa',
  'puspaga',
  'unit_ppa',
  'health',
  'legal_aid',
  'social_assistance',
  'sakti_peksos',
  'drug_rehab',
  'education',
  'bapas',
  'kua_bp4',
  'disdukcapil',
  'other',
] as const;
export type PartnerType = (typeof partnerTypes)[number];

export function isPartnerType(value: unknown): value is PartnerType {
  return typeof value === 'string' && (partnerTypes as readonly string[]).includes(value);
}

/** The locale key of a partner type's label. */
export const partnerTypeLabel = (type: string): string => `partners.types.${isPartnerType(type) ? type : 'other'}`;

/** A partner institution. `areasServed` holds kecamatan codes; empty means the whole city. */
export interface Partner {
  id: number;
  name: string;
  type: PartnerType;
  phone: string;
  email: string;
  address: string;
  areasServed: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What the redirect decision form needs of an active partner. */
export type PartnerContact = Pick<Partner, 'id' | 'name' | 'type' | 'phone' | 'email' | 'address'>;

/** The fields an administrator edits. */
export type PartnerFields = Pick<Partner, 'name' | 'type' | 'phone' | 'email' | 'address' | 'areasServed'>;

/** Whether a partner serves a kecamatan (an empty list serves the whole city). */
export function servesArea(partner: Pick<Partner, 'areasServed'>, kecamatanCode: string): boolean {
  return partner.areasServed.length === 0 || partner.areasServed.includes(kecamatanCode);
}
