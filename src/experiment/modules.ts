import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The URL a policy module is imported from: a URL as it is (`file:///...`, `data:...`), a path from the
 * caller's working directory, since the modules are imported by workers whose own module is elsewhere.
 */
export function moduleUrl(module: string): string {
  // Two letters at least before the colon: a scheme, never a drive letter.
  return /^[a-z][a-z\d+.-]+:/i.test(module) ? module : pathToFileURL(resolve(module)).href;
}
