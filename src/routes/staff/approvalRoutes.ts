import { Router, type Request, type Response } from 'express';
import type { AccountService } from '../../services/accountService';
import type { CurrentAccount } from '../../domain/roles';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import type { FormError } from '../formErrors';

export const APPROVALS_PATH = '/staff/approvals';

/** An account id from the path: digits only, else there is no such request. */
function accountIdOf(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(404, 'No such request');
  return Number(raw);
}

/**
 * /staff/approvals (supervisors only): the requests for accounts with a role that reads content,
 * which an administrator cannot grant alone. Approving emails the invitation link to the person —
 * it is never shown here — and tells every supervisor; refusing deactivates the account for good.
 */
export function approvalRoutes({ accountService }: { accountService: AccountService }): Router {
  const router = Router();
  router.use(APPROVALS_PATH, requireRole('supervisor'));

  function render(req: Request, res: Response, errors: FormError[] = [], status = 200): void {
    res.status(status).render('staff/approvals', { requests: accountService.pendingApprovals(req.account as CurrentAccount), errors });
  }

  router.get(APPROVALS_PATH, (req, res) => render(req, res));

  for (const decision of ['approve', 'refuse'] as const) {
    router.post(`${APPROVALS_PATH}/:id/${decision}`, (req, res) => {
      const who = req.account as CurrentAccount;
      const id = accountIdOf(req);
      const result = decision === 'approve' ? accountService.approve(who, id) : accountService.refuse(who, id);
      if (result.ok) {
        req.session.notice = decision === 'approve' ? 'approvals.approved' : 'approvals.refused';
        return res.redirect(303, APPROVALS_PATH);
      }
      const error = { field: 'form', text: res.locals.t(`approvals.errors.${result.problem}`), href: '#requests' };
      render(req, res, [error], result.problem === 'not_allowed' ? 403 : 409);
    });
  }

  return router;
}
