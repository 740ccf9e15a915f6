import express, { type RequestHandler } from 'express';

/** Form bodies only, size-limited; repeated fields (checkboxes) arrive as arrays. */
export function setUpBodyParsing(): RequestHandler {
  return express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 });
}
