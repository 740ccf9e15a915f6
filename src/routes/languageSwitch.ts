import type { Request, RequestHandler, Response } from 'express';

/**
 * For a POST route whose page offers the language switch as a button of its form (see
 * setUpLanguageSwitch in middleware/setUpLocals.ts): a switch is answered with `render` — the same
 * form, in the language just chosen, with what was typed — before anything is checked, counted
 * or stored; any other post goes on to the route.
 */
export function onLanguageSwitch(render: (req: Request, res: Response) => void): RequestHandler {
  return (req, res, next) => (req.languageSwitch ? render(req, res) : next());
}
