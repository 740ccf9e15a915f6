import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import { ATTACHMENTS_FIELD, noUploads, type AttachmentLimits, type UploadedFile, type UploadedFiles } from '../domain/attachments';
import { BODY_MAX_KB } from '../domain/limits';
import { HttpError } from '../errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** The files of a multipart form (setUpMultipart), read into memory; never written to disk. */
    uploads?: UploadedFiles;
  }
}

const PARAMETER_LIMIT = 100;

/** A POST that may carry files; `signedIn`: only for a signed-in account (nobody else's upload is read). */
export interface MultipartRoute {
  path: string;
  signedIn: boolean;
}

const isMultipart = (req: Request) =>
  req.method === 'POST' && (req.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');

/**
 * Multipart forms (`enctype="multipart/form-data"`: the forms with a file field), on the routes
 * that take attachments only, and before the CSRF check, which reads the token from the body.
 * Everything stays in memory (busboy, no temporary files): nothing about a visitor is written to
 * disk before it is cleaned and encrypted. The text fields become `req.body` exactly as
 * setUpBodyParsing makes it (repeated fields as arrays, no prototype), so the rest of the route
 * does not know the difference; the files, `req.uploads`.
 *
 * Past the limits the form is still read to its end, so that every text field is kept for the page
 * shown again: a file over `maxBytes` is cut off and marked `too_large`; files past `maxFiles` are
 * dropped and marked `too_many`. Memory per request stays under maxFiles × maxBytes plus the text.
 * An empty file input (a form sent with no file chosen) is no file.
 */
export function setUpMultipart(limits: AttachmentLimits, routes: readonly MultipartRoute[]): RequestHandler {
  const accepts = (req: Request) => routes.some((r) => r.path === req.path && (!r.signedIn || req.account !== undefined));
  return (req, _res, next) => {
    // Anything else multipart is left unread: no body, so the CSRF check refuses it.
    if (!isMultipart(req) || !accepts(req)) return next();
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: {
          fields: PARAMETER_LIMIT,
          fieldSize: BODY_MAX_KB * 1024,
          // Room for empty parts (file inputs left empty); the files chosen are counted below.
          files: limits.maxFiles * 2 + 1,
          fileSize: limits.maxBytes,
          parts: PARAMETER_LIMIT + limits.maxFiles * 2 + 1,
        },
      });
    } catch {
      return next(new HttpError(400, 'Malformed multipart form'));
    }
    const body: Record<string, string | string[]> = Object.create(null);
    const files: UploadedFile[] = [];
    let problem: UploadedFiles['problem'] = null;
    let failed: HttpError | null = null;
    let answered = false;
    const finish = (err?: HttpError) => {
      if (answered) return;
      answered = true;
      next(err);
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) failed ??= new HttpError(413, 'Form field too large');
      const earlier = body[name];
      body[name] = earlier === undefined ? value : Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
    });
    let chosen = 0;
    parser.on('file', (name, stream, info) => {
      // A file input with nothing chosen sends an empty part without a name; anything else counts.
      if (name === ATTACHMENTS_FIELD && (info.filename ?? '') !== '') chosen += 1;
      if (name !== ATTACHMENTS_FIELD || chosen > limits.maxFiles) {
        if (chosen > limits.maxFiles) problem ??= 'too_many';
        // Not kept: read past it without holding a byte.
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        problem = 'too_large';
      });
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        if (bytes.length === 0 && (info.filename ?? '') === '') return;
        files.push({ originalName: info.filename ?? '', bytes });
      });
    });
    parser.on('filesLimit', () => {
      problem = problem === 'too_large' ? problem : 'too_many';
    });
    parser.on('fieldsLimit', () => {
      failed ??= new HttpError(413, 'Too many form fields');
    });
    parser.on('partsLimit', () => {
      failed ??= new HttpError(413, 'Too many form parts');
    });
    parser.on('error', () => {
      failed ??= new HttpError(400, 'Malformed multipart form');
      req.unpipe(parser);
      req.resume();
      finish(failed);
    });
    parser.on('close', () => {
      if (failed) return finish(failed);
      req.body = body;
      req.uploads = { files: problem ? [] : files, problem };
      finish();
    });
    req.pipe(parser);
  };
}

/** The files a route received (none when the form was not multipart). */
export function uploadsOf(req: Request): UploadedFiles {
  return req.uploads ?? noUploads;
}
