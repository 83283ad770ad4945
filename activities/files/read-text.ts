// Reading a file a person named (a config, a pack, a saved result): a failure says which file, what it was
// meant to be, and why it could not be read, as the error class the caller's exit code needs.
import { readFile } from 'node:fs/promises';
import { InputError, type NightshiftError } from '../errors.js';

export async function readTextFile(path: string, what: string, ErrorClass: new (message: string, options?: { cause?: unknown }) => NightshiftError = InputError): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ErrorClass(`cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}
