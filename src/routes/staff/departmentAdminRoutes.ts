import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { normalizeDepartmentName } from '../../domain/departments';
import { DEPARTMENT_NAME_MAX, DEPARTMENT_NAME_MIN, TOKEN_LABEL_MAX } from '../../domain/limits';
import type { DepartmentService } from '../../services/departmentService';
import type { ApiTokenService } from '../../services/apiTokenService';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';
import { lineText } from '../../validation/textFields';

export const DEPARTMENTS_PATH = '/staff/departments';

export const nameSchema = z.object({
  // The text rule runs before spaces are tidied, so a name with a line break is refused, not joined.
  name: lineText()
    .transform(normalizeDepartmentName)
    .pipe(z.string().min(DEPARTMENT_NAME_MIN, 'name').max(DEPARTMENT_NAME_MAX, 'name_long')),
});
export const labelSchema = z.object({ label: lineText().trim().min(1, 'label').max(TOKEN_LABEL_MAX, 'label_long') });

/** A route parameter that names a row: digits only, else there is no such page. */
function idParam(req: Request, name: 'id' | 'tokenId'): number {
  const raw = String(req.params[name] ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(404, `No such ${name}`);
  return Number(raw);
}

interface DetailForms {
  name?: string;
  label?: string;
  errors?: FormError[];
}

const noSuchDepartment = () => new HttpError(404, 'No such department');

/**
 * Departments and their API tokens (DESIGN.md): administrators only. A new token is shown once, on
 * the page that answers the POST that issued it; only its HMAC is stored, so nothing can show it again.
 */
export function departmentAdminRoutes({
  departmentService,
  apiTokenService,
}: {
  departmentService: DepartmentService;
  apiTokenService: ApiTokenService;
}): Router {
  const router = Router();
  router.use(DEPARTMENTS_PATH, requireRole('admin'));

  function renderList(res: Response, name: string, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('staff/departments', {
      departments: departmentService.listAll(),
      values: { name },
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  function renderDetail(res: Response, id: number, forms: DetailForms = {}): void {
    const page = departmentService.page(id);
    if (!page) throw noSuchDepartment();
    const errors = forms.errors ?? [];
    res.status(errors.length > 0 ? 400 : 200).render('staff/departmentDetail', {
      ...page,
      values: { name: forms.name ?? page.department.name, label: forms.label ?? '' },
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  const afterAction = (req: Request, res: Response, id: number, notice: string) => {
    req.session.notice = notice;
    res.redirect(303, `${DEPARTMENTS_PATH}/${id}`);
  };

  router.get(DEPARTMENTS_PATH, (_req, res) => renderList(res, '', []));

  router.post(DEPARTMENTS_PATH, (req, res) => {
    const name = textValue(req.body.name);
    const t = res.locals.t;
    const parsed = nameSchema.safeParse({ name });
    if (!parsed.success) return renderList(res, name, formErrors(parsed.error.issues, t, 'departments.errors', ['name']));
    const result = departmentService.create(req.account!.id, parsed.data.name);
    if (!result.ok)
      return renderList(res, name, formErrors([{ path: ['name'], message: result.problem }], t, 'departments.errors', ['name']));
    afterAction(req, res, result.id, 'departments.notices.created');
  });

  router.get(`${DEPARTMENTS_PATH}/:id`, (req, res) => renderDetail(res, idParam(req, 'id')));

  router.post(`${DEPARTMENTS_PATH}/:id`, (req, res) => {
    const id = idParam(req, 'id');
    const name = textValue(req.body.name);
    const t = res.locals.t;
    const parsed = nameSchema.safeParse({ name });
    if (!parsed.success) return renderDetail(res, id, { name, errors: formErrors(parsed.error.issues, t, 'departments.errors', ['name']) });
    const result = departmentService.rename(req.account!.id, id, parsed.data.name);
    if (!result.ok && result.problem === 'not_found') throw noSuchDepartment();
    if (!result.ok)
      return renderDetail(res, id, {
        name,
        errors: formErrors([{ path: ['name'], message: result.problem }], t, 'departments.errors', ['name']),
      });
    afterAction(req, res, id, 'departments.notices.renamed');
  });

  router.post(`${DEPARTMENTS_PATH}/:id/deactivate`, (req, res) => {
    const id = idParam(req, 'id');
    if (!departmentService.deactivate(req.account!.id, id).ok) throw noSuchDepartment();
    afterAction(req, res, id, 'departments.notices.deactivated');
  });

  router.post(`${DEPARTMENTS_PATH}/:id/reactivate`, (req, res) => {
    const id = idParam(req, 'id');
    if (!departmentService.reactivate(req.account!.id, id).ok) throw noSuchDepartment();
    afterAction(req, res, id, 'departments.notices.reactivated');
  });

  router.post(`${DEPARTMENTS_PATH}/:id/tokens`, (req, res) => {
    const id = idParam(req, 'id');
    const label = textValue(req.body.label);
    const t = res.locals.t;
    const parsed = labelSchema.safeParse({ label });
    if (!parsed.success) return renderDetail(res, id, { label, errors: formErrors(parsed.error.issues, t, 'apiTokens.errors', ['label']) });
    const result = apiTokenService.issue(req.account!.id, id, parsed.data.label);
    if (!result.ok && result.problem === 'not_found') throw noSuchDepartment();
    if (!result.ok)
      return renderDetail(res, id, { label, errors: [{ field: 'label', text: t('apiTokens.issue.inactiveDepartment'), href: '#label' }] });
    // Shown once, here. A reload re-posts the form (the browser asks first) and issues another token.
    res.render('staff/apiTokenIssued', { department: departmentService.get(id), label: parsed.data.label, token: result.token });
  });

  router.post(`${DEPARTMENTS_PATH}/:id/tokens/:tokenId/revoke`, (req, res) => {
    const id = idParam(req, 'id');
    if (!apiTokenService.revoke(req.account!.id, id, idParam(req, 'tokenId')).ok) throw new HttpError(404, 'No such token');
    afterAction(req, res, id, 'apiTokens.notices.revoked');
  });

  return router;
}
