import { Router, type Request, type Response } from 'express';
import type { AreaDirectory } from '../../domain/areas';
import { partnerTypeLabel, partnerTypes, type Partner } from '../../domain/partners';
import type { PartnerService } from '../../services/partnerService';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import { errorsByField, formErrors, type FormError } from '../formErrors';
import {
  parsePartnerForm,
  partnerFieldAnchors,
  partnerFieldOrder,
  partnerFormValues,
  valuesOfPartner,
  type PartnerFormValues,
} from './partnerForm';

export const PARTNERS_PATH = '/staff/partners';

const noSuchPartner = () => new HttpError(404, 'No such partner');

/** A route parameter that names a partner: digits only, else there is no such page. */
function partnerId(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw noSuchPartner();
  return Number(raw);
}

/** Partner institutions (DESIGN.md): administrators only. There is no delete, only deactivation. */
export function partnerRoutes({ partnerService, areas }: { partnerService: PartnerService; areas: AreaDirectory }): Router {
  const router = Router();
  const admin = requireRole('admin');
  const areaName = (code: string) => areas.findKecamatan(code)?.name ?? code;

  function existing(req: Request): Partner {
    const partner = partnerService.findById(partnerId(req));
    if (!partner) throw noSuchPartner();
    return partner;
  }

  function renderForm(res: Response, partner: Partner | null, values: PartnerFormValues, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('staff/partnerForm', {
      partner,
      redirectCount: partner ? partnerService.redirectCount(partner.id) : 0,
      values,
      errors,
      fieldErrors: errorsByField(errors),
      types: partnerTypes.map((code) => ({ code, label: partnerTypeLabel(code) })),
      kecamatan: areas.kecamatan,
    });
  }

  router.get(PARTNERS_PATH, admin, (_req, res) => {
    const partners = partnerService.listAll().map((p) => ({
      ...p,
      typeLabel: partnerTypeLabel(p.type),
      areaNames: p.areasServed.map(areaName),
    }));
    res.render('staff/partners', { partners });
  });

  router.get(`${PARTNERS_PATH}/new`, admin, (_req, res) => renderForm(res, null, partnerFormValues(), []));

  router.post(PARTNERS_PATH, admin, (req, res) => {
    const values = partnerFormValues(req.body);
    const t = res.locals.t;
    const parsed = parsePartnerForm(values, areas);
    if (!parsed.ok)
      return renderForm(res, null, values, formErrors(parsed.issues, t, 'partners.errors', partnerFieldOrder, partnerFieldAnchors(areas)));
    const result = partnerService.create(req.account!.id, parsed.fields);
    if (!result.ok) return renderForm(res, null, values, [{ field: 'name', text: t('partners.errors.name_taken'), href: '#name' }]);
    req.session.notice = 'partners.notices.created';
    res.redirect(303, PARTNERS_PATH);
  });

  router.get(`${PARTNERS_PATH}/:id`, admin, (req, res) => {
    const partner = existing(req);
    renderForm(res, partner, valuesOfPartner(partner), []);
  });

  router.post(`${PARTNERS_PATH}/:id`, admin, (req, res) => {
    const partner = existing(req);
    const values = partnerFormValues(req.body);
    const t = res.locals.t;
    const parsed = parsePartnerForm(values, areas);
    if (!parsed.ok)
      return renderForm(
        res,
        partner,
        values,
        formErrors(parsed.issues, t, 'partners.errors', partnerFieldOrder, partnerFieldAnchors(areas)),
      );
    const result = partnerService.update(req.account!.id, partner.id, parsed.fields);
    if (!result.ok && result.problem === 'not_found') throw noSuchPartner();
    if (!result.ok) return renderForm(res, partner, values, [{ field: 'name', text: t('partners.errors.name_taken'), href: '#name' }]);
    req.session.notice = 'partners.notices.updated';
    res.redirect(303, PARTNERS_PATH);
  });

  router.post(`${PARTNERS_PATH}/:id/deactivate`, admin, (req, res) => {
    if (!partnerService.deactivate(req.account!.id, partnerId(req)).ok) throw noSuchPartner();
    req.session.notice = 'partners.notices.deactivated';
    res.redirect(303, PARTNERS_PATH);
  });

  router.post(`${PARTNERS_PATH}/:id/reactivate`, admin, (req, res) => {
    if (!partnerService.reactivate(req.account!.id, partnerId(req)).ok) throw noSuchPartner();
    req.session.notice = 'partners.notices.reactivated';
    res.redirect(303, PARTNERS_PATH);
  });

  return router;
}
