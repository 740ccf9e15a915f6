import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SavedReply, SavedReplyFields } from '../../domain/savedReplies';
import { SAVED_REPLY_BODY_MAX, SAVED_REPLY_TITLE_MAX } from '../../domain/limits';
import type { SavedReplyService } from '../../services/savedReplyService';
import { requireRole } from '../../middleware/currentAccount';
import { HttpError } from '../../errors';
import { lineText, multilineText } from '../../validation/textFields';
import { errorsByField, formErrors, textValue, type FormError } from '../formErrors';

export const SAVED_REPLIES_PATH = '/staff/replies';

/** The form's fields, in the order they appear (and their errors are listed). */
export const savedReplyFieldOrder = ['title_id', 'body_id', 'title_en', 'body_en'] as const;
type SavedReplyFormValues = Record<(typeof savedReplyFieldOrder)[number], string>;

const title = (key: string) => lineText().trim().min(1, key).max(SAVED_REPLY_TITLE_MAX, 'title_long');
const body = (key: string) => multilineText().trim().min(1, key).max(SAVED_REPLY_BODY_MAX, 'body_long');

/** The saved-reply form; each issue's message is a key under savedReplies.errors. */
export const savedReplySchema = z
  .object({ title_id: title('title_id'), body_id: body('body_id'), title_en: title('title_en'), body_en: body('body_en') })
  .transform((v): SavedReplyFields => ({ titleId: v.title_id, titleEn: v.title_en, bodyId: v.body_id, bodyEn: v.body_en }));

function formValuesOf(body: Record<string, unknown> = {}): SavedReplyFormValues {
  return {
    title_id: textValue(body.title_id),
    body_id: textValue(body.body_id),
    title_en: textValue(body.title_en),
    body_en: textValue(body.body_en),
  };
}

const valuesOfReply = (r: SavedReply): SavedReplyFormValues => ({
  title_id: r.titleId,
  body_id: r.bodyId,
  title_en: r.titleEn,
  body_en: r.bodyEn,
});

const noSuchReply = () => new HttpError(404, 'No such saved reply');

/** A route parameter that names a saved reply: digits only, else there is no such page. */
function replyId(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw noSuchReply();
  return Number(raw);
}

/** /staff/replies — the saved replies (message templates): supervisors only (DESIGN.md: triage inserts them, supervisors keep them). */
export function savedReplyRoutes({ savedReplyService }: { savedReplyService: SavedReplyService }): Router {
  const router = Router();
  const supervisor = requireRole('supervisor');

  function renderForm(res: Response, reply: SavedReply | null, values: SavedReplyFormValues, errors: FormError[], status?: number): void {
    res.status(status ?? (errors.length > 0 ? 400 : 200)).render('staff/savedReplyForm', {
      reply,
      values,
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  function fullError(res: Response): FormError {
    return { field: 'form', text: res.locals.t('savedReplies.errors.full'), href: '#title_id' };
  }

  const parse = (req: Request, res: Response) => {
    const values = formValuesOf(req.body);
    const parsed = savedReplySchema.safeParse(values);
    const errors = parsed.success ? [] : formErrors(parsed.error.issues, res.locals.t, 'savedReplies.errors', savedReplyFieldOrder);
    return { values, fields: parsed.success ? parsed.data : null, errors };
  };

  router.get(SAVED_REPLIES_PATH, supervisor, (_req, res) => {
    res.render('staff/savedReplies', { replies: savedReplyService.list(), hasRoom: savedReplyService.hasRoom() });
  });

  // The list is full: the form says so at once (409), before anything is typed in vain.
  router.get(`${SAVED_REPLIES_PATH}/new`, supervisor, (_req, res) => {
    const room = savedReplyService.hasRoom();
    renderForm(res, null, formValuesOf(), room ? [] : [fullError(res)], room ? 200 : 409);
  });

  router.post(SAVED_REPLIES_PATH, supervisor, (req, res) => {
    const { values, fields, errors } = parse(req, res);
    if (!fields) return renderForm(res, null, values, errors);
    const result = savedReplyService.create(req.account!.id, fields);
    if (!result.ok) return renderForm(res, null, values, [fullError(res)], 409);
    req.session.notice = 'savedReplies.notices.created';
    res.redirect(303, SAVED_REPLIES_PATH);
  });

  router.get(`${SAVED_REPLIES_PATH}/:id`, supervisor, (req, res) => {
    const reply = savedReplyService.findById(replyId(req));
    if (!reply) throw noSuchReply();
    renderForm(res, reply, valuesOfReply(reply), []);
  });

  router.post(`${SAVED_REPLIES_PATH}/:id`, supervisor, (req, res) => {
    const reply = savedReplyService.findById(replyId(req));
    if (!reply) throw noSuchReply();
    const { values, fields, errors } = parse(req, res);
    if (!fields) return renderForm(res, reply, values, errors);
    if (!savedReplyService.update(req.account!.id, reply.id, fields).ok) throw noSuchReply();
    req.session.notice = 'savedReplies.notices.updated';
    res.redirect(303, SAVED_REPLIES_PATH);
  });

  router.post(`${SAVED_REPLIES_PATH}/:id/delete`, supervisor, (req, res) => {
    if (!savedReplyService.delete(req.account!.id, replyId(req)).ok) throw noSuchReply();
    req.session.notice = 'savedReplies.notices.deleted';
    res.redirect(303, SAVED_REPLIES_PATH);
  });

  return router;
}
