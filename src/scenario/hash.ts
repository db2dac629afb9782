import { sha256Hex } from '../kernel/sha256.js';
import { isPlainObject } from './data.js';

/**
 * The content hash of a scenario: SHA-256 of a canonical JSON text, with map keys sorted at every
 * level, so that neither the order of keys nor the formatting of the source files changes it, and any
 * change of a value does. Lists keep their order: it is part of their meaning.
 */

/** JSON text with map keys sorted at every level and no whitespace; fields that are undefined are left out, as JSON does. */
export function canonicalJson(data: unknown): string {
  return JSON.stringify(sortKeys(data));
}

/** SHA-256 (hex) of `canonicalJson(data)`: the same for the same content, whatever its key order or formatting. */
export function scenarioHash(data: unknown): string {
  return sha256Hex(canonicalJson(data));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  // No prototype, so that a key named __proto__ is a key like any other.
  const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}
