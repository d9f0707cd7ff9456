/** The JSON API (Hugging Face's paths and field names). Routes are registered by apiRoutes. */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.js';

export function apiRoutes(_app: Hono<AppEnv>, _deps: Deps): void {}
