import os from 'node:os';
import path from 'node:path';
import { badInput } from '../errors.js';

/**
 * A folder or file path as a person types or pastes it into the app: surrounding quotes
 * (a file manager's "Copy path") and spaces go, `~` is their home folder. A relative path
 * is refused in words: the server's working folder means nothing to someone at a browser.
 * (The CLI resolves relative paths against the user's own working folder before it calls.)
 */
export function userPath(typed: string, what = 'folder'): string {
  let text = typed.trim();
  const quoted = /^(["'])(.*)\1$/.exec(text);
  if (quoted) text = (quoted[2] as string).trim();
  if (text === '~' || text.startsWith('~/') || text.startsWith('~\\')) text = path.join(os.homedir(), text.slice(1));
  if (!path.isAbsolute(text)) {
    throw badInput(`"${typed.trim()}" is not a full path: type the ${what}'s whole path, such as ${path.join(os.homedir(), 'Pictures')} (or ~/Pictures).`);
  }
  return path.resolve(text);
}
