import { z } from 'zod';

/**
 * The building blocks of the scenario schema that its parts share: schema.ts and targets.ts both
 * build on them, and neither may import the other's values (schema.ts holds the target list, and a
 * cycle of ES modules would leave one side reading constants not yet defined).
 */

/** Field metadata: shown in the JSON Schema and in error messages. */
export type FieldMeta = {
  description: string;
  unit?: string;
  examples?: unknown[];
};

/** A schema with its description, unit and examples attached. */
export function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  return schema.meta(meta);
}

/** An actor id: lower-case letters, digits and dashes, so it can appear in paths like `labs.openai.budget`. */
export const Id = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes, starting with a letter')
  .meta({ description: 'Identifier of an actor, used in references and `--set` paths.', examples: ['openai', 'google-cloud'] });

/** A real calendar date, YYYY-MM-DD. */
export const IsoDate = z.iso.date('expected a real date as YYYY-MM-DD').meta({ description: 'A calendar date.', examples: ['2025-07-16'] });

/** A finite number. */
export const finite = z.number().refine(Number.isFinite, 'expected a finite number');
/** A number in [0, 1]. */
export const share = finite.refine((x) => x >= 0 && x <= 1, 'expected a share in [0, 1]');
