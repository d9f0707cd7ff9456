/**
 * Errors a user can cause (bad input, bad config, an unreachable service) carry a stable code
 * and a message written for that user. Everything else is a bug and is logged, never shown.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status when this reaches the web layer */
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/** The message of anything thrown, for logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
