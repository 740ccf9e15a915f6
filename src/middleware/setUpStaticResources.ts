import express, { type RequestHandler } from 'express';
import { publicDir } from '../paths';

/** CSS, JavaScript and images from public/; cacheable, since they hold nothing about anyone. */
export function setUpStaticResources(): RequestHandler {
  return express.static(publicDir, {
    index: false,
    maxAge: '1d',
    setHeaders: (res) => res.set('Cache-Control', 'public, max-age=86400'),
  });
}
