/** New on arXiv listings and author pages. Routes are registered by listingRoutes. */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.js';

export function listingRoutes(_app: Hono<AppEnv>, _deps: Deps): void {}
