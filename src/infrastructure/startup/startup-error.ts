/**
 * A start-up failure an operator fixes with a setting: printed as ONE line naming the setting (never
 * its value: it may be a secret), without a stack trace, and the process exits with code 2.
 */
export class StartupError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`Cannot start: ${setting}: ${problem}`);
    this.name = 'StartupError';
  }
}

/** The exit code of a start refused for a setting (the same as for an invalid configuration). */
export const STARTUP_FAILURE_EXIT_CODE = 2;

/** The code of a Node system error (EADDRINUSE, EACCES…), or of a driver error (ER_BAD_DB_ERROR). */
export const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** The HTTP port could not be bound: turned into a StartupError naming PORT; other errors are returned as they are. */
export function explainListenFailure(error: unknown, port: number): Error {
  const code = errorCode(error);
  if (code === 'EADDRINUSE')
    return new StartupError('PORT', `port ${port} is already in use by another process: stop it, or set PORT to a free port`);
  if (code === 'EACCES')
    return new StartupError(
      'PORT',
      `port ${port} may not be opened by this user (ports below 1024 need privileges): set PORT to 1024 or above`,
    );
  return error instanceof Error ? error : new Error(String(error));
}
