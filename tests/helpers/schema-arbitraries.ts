import { fc } from '@fast-check/vitest';

type Schema = Record<string, any>;

/** How the generator is steered toward values the system knows (so valid requests reach past the 404s). */
export interface Steering {
  /** Resolves `#/components/schemas/X`. */
  resolve(ref: string): Schema;
  /** Known values for a property name (`channel_id`, `video_ids` items, ...); mixed with generated ones. */
  known: Record<string, readonly string[]>;
  /** Instants are drawn mostly from [from, to] (ISO), sometimes from the whole of the format. */
  instants: { from: string; to: string };
}

/** At most this many array items and record entries: enough to vary, small enough to book quickly. */
const MAX_ITEMS = 5;

/**
 * A fast-check arbitrary of the values a JSON Schema (2020-12, as the OpenAPI
 * document holds them) accepts. It follows the keywords the document uses:
 * $ref, anyOf/oneOf, const, enum, type, pattern, format, lengths, bounds,
 * items, properties, required, additionalProperties. Refinements JSON Schema
 * cannot say (a time zone that exists, ids that do not repeat) are not
 * followed: the API may answer those with a 4xx, which is still a declared answer.
 */
export function arbitraryOf(schema: Schema, steering: Steering, name = ''): fc.Arbitrary<unknown> {
  if (schema.$ref) return arbitraryOf(steering.resolve(schema.$ref as string), steering, name);
  const choices = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (choices) return fc.oneof(...choices.map((choice) => arbitraryOf(choice, steering, name)));
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'string':
      return stringOf(schema, steering, name);
    case 'integer':
      return fc.integer({ min: bound(schema.minimum, -1_000), max: bound(schema.maximum, 1_000_000) });
    case 'number':
      return fc.integer({ min: bound(schema.minimum, -1_000), max: bound(schema.maximum, 1_000_000) });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = schema.minItems ?? 0;
      const items = arbitraryOf(schema.items ?? {}, steering, name);
      const size = { minLength: min, maxLength: Math.max(min, Math.min(schema.maxItems ?? MAX_ITEMS, MAX_ITEMS)) };
      // Lists of ids must not repeat (a refinement JSON Schema does not carry): draw them distinct.
      return name.endsWith('_ids') ? fc.uniqueArray(items, size) : fc.array(items, size);
    }
    case 'object':
      return objectOf(schema, steering);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const bound = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback);

function stringOf(schema: Schema, steering: Steering, name: string): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 40);
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (schema.format === 'date-time') {
    const { from, to } = steering.instants;
    const near = fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    return schema.pattern ? fc.oneof({ arbitrary: near, weight: 4 }, { arbitrary: fc.stringMatching(new RegExp(schema.pattern as string)), weight: 1 }) : near;
  }
  if (schema.format === 'uri') return fc.webUrl({ validSchemes: ['https'] }).filter(fits);
  let generated: fc.Arbitrary<string> = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern as string)).filter(fits)
    : fc.string({ minLength: min, maxLength: Math.min(max, Math.max(min, 40)) });
  const known = steering.known[name];
  if (known && known.length > 0) generated = fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 8 }, { arbitrary: generated, weight: 1 });
  return generated;
}

function objectOf(schema: Schema, steering: Steering): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  if (Object.keys(properties).length === 0 && schema.additionalProperties !== false) {
    // A free-form record (a channel's config): a few small JSON values.
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: MAX_ITEMS }) as fc.Arbitrary<Record<string, unknown>>;
  }
  const model = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, arbitraryOf(property, steering, key)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []) as string[] }) as fc.Arbitrary<Record<string, unknown>>;
}
