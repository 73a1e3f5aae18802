/**
 * DynamoDB's item size, as AWS counts it against the 400 KB limit and for
 * capacity units (docs: "Item sizes and formats",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * - an attribute costs the UTF-8 length of its name plus its value;
 * - a string, the UTF-8 length; a binary, its bytes;
 * - a number, about 1 byte per two significant digits, plus 1;
 * - a boolean or null, 1 byte;
 * - a list or map, 3 bytes plus its elements plus 1 byte per element
 *   (a map's keys counted as names);
 * - a set, the sum of its elements.
 * Works on marshalled items (`{ S: '...' }`, the wire form the SDK sends).
 */
export type AttributeValue = Record<string, unknown>;

export const MAX_ITEM_BYTES = 400 * 1024;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function binarySize(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return Buffer.from(value, 'base64').byteLength;
  return 0;
}

export function valueSize(value: AttributeValue): number {
  if ('S' in value) return utf8(String(value.S));
  if ('N' in value) return numberSize(String(value.N));
  if ('B' in value) return binarySize(value.B);
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return (value.SS as string[]).reduce((n, s) => n + utf8(s), 0);
  if ('NS' in value) return (value.NS as string[]).reduce((n, s) => n + numberSize(s), 0);
  if ('BS' in value) return (value.BS as unknown[]).reduce<number>((n, b) => n + binarySize(b), 0);
  if ('L' in value) return 3 + (value.L as AttributeValue[]).reduce((n, v) => n + 1 + valueSize(v), 0);
  if ('M' in value) return 3 + Object.entries(value.M as Record<string, AttributeValue>).reduce((n, [k, v]) => n + 1 + utf8(k) + valueSize(v), 0);
  return 0;
}

/** The size of a marshalled item in bytes. */
export function itemSize(item: Record<string, AttributeValue> | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((n, [name, value]) => n + utf8(name) + valueSize(value), 0);
}

/**
 * The size of a native value, as the document client would marshall it
 * (`'a'` as `{ S: 'a' }`, `1` as `{ N: '1' }`, a `Set` as a set, an array
 * as a list, an object as a map). For outputs a DynamoDBDocumentClient has
 * already unmarshalled.
 */
export function nativeValueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce<number>((n, v) => n + nativeValueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce<number>((n, v) => n + 1 + nativeValueSize(v), 0);
  if (typeof value === 'object') {
    // NumberValue (wrapNumbers) keeps the number's text.
    if ('value' in value && typeof (value as { value: unknown }).value === 'string' && Object.keys(value).length === 1) {
      return numberSize((value as { value: string }).value);
    }
    return 3 + Object.entries(value).reduce((n, [k, v]) => n + 1 + utf8(k) + nativeValueSize(v), 0);
  }
  return 0;
}

/** The size of an unmarshalled (document client) item in bytes. */
export function nativeItemSize(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((n, [name, value]) => n + utf8(name) + nativeValueSize(value), 0);
}
