import { Router } from 'express';
import type { AppDeps } from '../../app';

// Placeholder while this area is being built.
export function staffRoutes(_deps: AppDeps): Router {
  return Router();
}
