// Why a server could not listen, in words for the person who has to change the host or port.

/** The reason a `listen()` failed: the common errno codes said plainly, anything else as is. */
export function listenFailure(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'EADDRINUSE'
    ? 'the port is already in use'
    : err.code === 'EACCES'
      ? 'permission denied'
      : err.message;
}
