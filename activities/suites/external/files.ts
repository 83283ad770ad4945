// Whether a tool already left its output file (a finished run an earlier attempt can reuse).
import { stat } from 'node:fs/promises';

export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
