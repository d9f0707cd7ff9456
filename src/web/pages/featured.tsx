/** Featured papers by day, week and month, and trending. Routes are registered by featuredRoutes. */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.js';

export function featuredRoutes(_app: Hono<AppEnv>, _deps: Deps): void {}
