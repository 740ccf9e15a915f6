import fs from 'node:fs';
import express, { type RequestHandler } from 'express';
import { publicDir } from '../paths';

/**
 * CSS, JavaScript and images from public/; cacheable, since they hold nothing about anyone. Only
 * paths under what public/ holds (css/, js/, images/, read once at the start) go to the file
 * server: any other request would cost a failed `stat` on the disk before reaching its page.
 */
export function setUpStaticResources(): RequestHandler {
  const serve = express.static(publicDir, {
    index: false,
    maxAge: '1d',
    setHeaders: (res) => res.set('Cache-Control', 'public, max-age=86400'),
  });
  const entries = new Set(fs.readdirSync(publicDir));
  return (req, res, next) => {
    const first = req.path.split('/', 2)[1];
    if (first !== undefined && entries.has(first)) return serve(req, res, next);
    next();
  };
}
