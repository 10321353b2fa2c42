import { z } from 'zod';

/** A JSON Schema object, as the OpenAPI document holds it. */
export type JsonSchema = Record<string, unknown>;

const documented = new WeakMap<object, JsonSchema>();

/**
 * Describes a query parameter in the OpenAPI document as the value it stands for (an integer, a
 * boolean, a list of names) rather than as the string it arrives as, so that generated clients
 * type and send it as such. The schema itself still parses the string.
 */
export function documentedAs<Schema extends z.ZodType>(schema: Schema, json: JsonSchema): Schema {
  documented.set(schema, json);
  return schema;
}

/** The document's description of a query parameter's schema, if it was given one (documentedAs). */
function parameterDocOf(schema: object): JsonSchema | undefined {
  return documented.get(schema);
}

/**
 * A zod schema as the OpenAPI document describes it: its JSON Schema (draft 2020-12), with the
 * description documentedAs gave any part of it in place of what zod generates for that part.
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema: generated }) => {
      const documented = parameterDocOf(zodSchema);
      if (!documented) return;
      for (const key of Object.keys(generated)) delete (generated as JsonSchema)[key];
      Object.assign(generated, documented);
    },
  }) as JsonSchema;
  return rest;
}
