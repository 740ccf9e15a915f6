import express, { type RequestHandler } from 'express';
import { BODY_MAX_KB } from '../domain/limits';
import { HttpError } from '../errors';

const PARAMETER_LIMIT = 100;

/**
 * Form bodies only, size-limited; repeated fields (checkboxes) arrive as arrays. Decoded with the
 * WHATWG URLSearchParams parser, exactly as a browser decodes form data: bytes that are not UTF-8
 * become U+FFFD, which the text rule (domain/text.ts) then refuses on its own field — a 400 with
 * everything else kept. (Node's querystring gives up on such a value and keeps it raw, "%FF" and
 * all, which would be stored as if someone had typed it.)
 */
export function setUpBodyParsing(): RequestHandler {
  const readText = express.text({ type: 'application/x-www-form-urlencoded', limit: `${BODY_MAX_KB}kb`, defaultCharset: 'utf-8' });
  return (req, res, next) => {
    readText(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (typeof req.body !== 'string') return next();
      const fields = new URLSearchParams(req.body);
      if ([...fields.keys()].length > PARAMETER_LIMIT) return next(new HttpError(413, 'Too many form fields'));
      // No prototype: a field named __proto__ is just a field.
      const body: Record<string, string | string[]> = Object.create(null);
      for (const [name, value] of fields) {
        const earlier = body[name];
        body[name] = earlier === undefined ? value : Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
      }
      req.body = body;
      next();
    });
  };
}
