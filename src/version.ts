import { createRequire } from 'node:module';

/** The engine's version, from package.json: results record it, since a new version may draw different numbers. */
export const ENGINE_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
