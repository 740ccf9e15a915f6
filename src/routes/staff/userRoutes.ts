import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AccountService } from '../../services/accountService';
import { roles } from '../../domain/roles';
import { contentRoles, needsDepartment } from '../../domain/accounts';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import { errorsByField, formErrors, textValue, type FieldIssue, type FormError } from '../formErrors';
import { emailField, nameField } from '../../validation/accountFields';

export const USERS_PATH = '/staff/users';

const inviteFields = ['email', 'name', 'role', 'department'] as const;
const inviteAnchors = { role: `role-${roles[0]}` };

export const inviteSchema = z.object({
  email: emailField,
  name: nameField,
  role: z.enum(roles, { error: 'role' }),
  department: z.string(),
});

type InviteValues = Record<(typeof inviteFields)[number], string>;

const idParam = z.coerce.number().int().positive();

/**
 * The administrator's accounts pages: the list, invitations by one-time link (shown once, on the
 * page that made it; kept nowhere), deactivation, reactivation and second-factor resets (the
 * service ends the person's sessions with the change). An invitation to a role that reads content
 * is only a request: a supervisor approves it (/staff/approvals), and its link goes to the person's
 * email alone — this page never shows it.
 */
export function userRoutes({ accountService }: { accountService: AccountService }): Router {
  const router = Router();
  router.use(USERS_PATH, requireRole('admin'));

  function accountIdOf(req: Request): number {
    const parsed = idParam.safeParse(req.params.id);
    if (!parsed.success) throw new HttpError(404, 'No such account');
    return parsed.data;
  }

  function renderInvite(res: Response, values: InviteValues, errors: FormError[]): void {
    res.status(errors.length > 0 ? 400 : 200).render('staff/usersNew', {
      values,
      roles,
      contentRoles,
      hasSupervisor: accountService.hasActiveSupervisor(),
      departments: accountService.departmentChoices(),
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  function renderLink(res: Response, accountId: number, link: string): void {
    const account = accountService.detail(accountId);
    if (!account) throw new HttpError(404, 'No such account');
    res.render('staff/usersInvited', { subject: account, link });
  }

  const afterAction = (req: Request, res: Response, id: number, notice: string) => {
    req.session.notice = notice;
    res.redirect(303, `${USERS_PATH}/${id}`);
  };

  router.get(USERS_PATH, (_req, res) => {
    res.render('staff/users', { accounts: accountService.list() });
  });

  router.get(`${USERS_PATH}/new`, (_req, res) => renderInvite(res, { email: '', name: '', role: '', department: '' }, []));

  router.post(USERS_PATH, async (req, res) => {
    const values: InviteValues = {
      email: textValue(req.body.email),
      name: textValue(req.body.name),
      role: textValue(req.body.role),
      department: textValue(req.body.department),
    };
    const parsed = inviteSchema.safeParse(values);
    const extra: FieldIssue[] = [];
    if (parsed.success && needsDepartment(parsed.data.role) && !/^\d+$/.test(values.department)) {
      extra.push({ path: ['department'], message: 'department_required' });
    }
    const t = res.locals.t;
    if (!parsed.success || extra.length > 0) {
      const issues = [...(parsed.success ? [] : parsed.error.issues), ...extra];
      return renderInvite(res, values, formErrors(issues, t, 'users.errors', inviteFields, inviteAnchors));
    }
    const { email, name, role } = parsed.data;
    const result = await accountService.invite(req.account!.id, {
      email,
      name,
      role,
      departmentId: needsDepartment(role) ? Number(values.department) : null,
    });
    if (!result.ok) {
      const field = result.problem === 'email_taken' ? 'email' : result.problem === 'no_supervisor' ? 'role' : 'department';
      return renderInvite(
        res,
        values,
        formErrors([{ path: [field], message: result.problem }], t, 'users.errors', inviteFields, inviteAnchors),
      );
    }
    // A content role waits for a supervisor: there is no link to show, now or later.
    if (result.awaitingApproval) return afterAction(req, res, result.id, 'users.approval.requested');
    // Shown once, here; the link is stored nowhere (only its hash), so a reload cannot show it again.
    renderLink(res, result.id, result.invitationLink!);
  });

  router.get(`${USERS_PATH}/:id`, (req, res) => {
    const account = accountService.detail(accountIdOf(req));
    if (!account) throw new HttpError(404, 'No such account');
    res.render('staff/userDetail', { subject: account, isSelf: account.id === req.account!.id, contentRoles });
  });

  router.post(`${USERS_PATH}/:id/deactivate`, (req, res) => {
    const id = accountIdOf(req);
    const result = accountService.deactivate(req.account!.id, id);
    if (!result.ok) {
      if (result.problem === 'self') throw new HttpError(400, 'An administrator cannot deactivate themself');
      throw new HttpError(404, 'No such account');
    }
    afterAction(req, res, id, 'users.deactivated');
  });

  router.post(`${USERS_PATH}/:id/reactivate`, (req, res) => {
    const id = accountIdOf(req);
    const result = accountService.reactivate(req.account!.id, id);
    if (!result.ok) throw new HttpError(result.problem === 'refused' ? 400 : 404, 'No such account, or refused by a supervisor');
    afterAction(req, res, id, 'users.reactivated');
  });

  router.post(`${USERS_PATH}/:id/reset-2fa`, (req, res) => {
    const id = accountIdOf(req);
    if (!accountService.resetTotp(req.account!.id, id).ok) throw new HttpError(404, 'No such account');
    if (id === req.account!.id) return res.redirect(303, '/login');
    afterAction(req, res, id, 'users.totpReset');
  });

  router.post(`${USERS_PATH}/:id/invitation`, (req, res) => {
    const id = accountIdOf(req);
    const result = accountService.reissueInvitation(req.account!.id, id);
    if (!result.ok) throw new HttpError(result.problem === 'not_found' ? 404 : 400, 'No invitation to renew');
    // A content role's new link went to the person's email only.
    if (result.invitationLink === null) return afterAction(req, res, id, 'users.invitation.emailed');
    renderLink(res, id, result.invitationLink);
  });

  return router;
}
