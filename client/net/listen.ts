// Listening on a port the user chose: a failure they can fix becomes an InputError naming the flag, and a
// port can be checked before a program that would not say so clearly (the Temporal dev server) is started.
import { createServer } from 'node:net';
import { InputError } from '../../activities/errors.js';

/** A listen failure the user can fix, as an InputError naming the flag; anything else unchanged. */
export function listenError(error: NodeJS.ErrnoException, port: number, host: string, flag = '--port'): Error {
  switch (error.code ?? '') {
    case 'EADDRINUSE':
      return new InputError(`${flag}: ${port} is already in use on ${host}; choose another port${flag === '--port' ? ', or 0 for a free one' : ''}`, { cause: error });
    case 'EACCES':
      return new InputError(`${flag}: this user may not listen on port ${port} at ${host}; use a port above 1023`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new InputError(`--host: cannot resolve "${host}"; give an address of this machine such as 127.0.0.1 or 0.0.0.0`, { cause: error });
    case 'EADDRNOTAVAIL':
      return new InputError(`--host: ${host} is not an address of this machine; give one such as 127.0.0.1 or 0.0.0.0`, { cause: error });
    default:
      return error;
  }
}

/** Resolves when `port` can be listened on at `host` (and is free again), else throws listenError's answer. */
export async function refuseBusyPort(port: number, host: string, flag: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, host, flag)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
