import type { AttributeValue } from './item-size';
import type { Item } from './capacity-units';

/**
 * An estimate of the item an UpdateItem will leave, made before it is sent, so
 * that its write units (and the index partitions it touches) can be checked
 * against the limits before anything is written. Only top-level assignments
 * are applied:
 * - `SET a = :v` sets a; `SET a = if_not_exists(a, :v)` sets it if absent;
 * - `REMOVE a` removes it; `ADD a :v` sets it if absent;
 * - anything else (arithmetic, list_append, nested paths, DELETE) keeps the
 *   old value.
 * The actual units are counted after the call from the item as written; this
 * estimate only decides whether the call is throttled.
 */
export interface UpdateInput {
  Key?: Item;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** The clauses of an update expression by keyword: SET, REMOVE, ADD, DELETE (reserved words, so never bare names). */
function clauses(expression: string): { keyword: string; actions: string[] }[] {
  const found: { keyword: string; start: number; end: number }[] = [];
  for (const match of expression.matchAll(/\b(SET|REMOVE|ADD|DELETE)\b/gi)) {
    found.push({ keyword: (match[1] as string).toUpperCase(), start: match.index, end: match.index + match[0].length });
  }
  return found.map((clause, i) => ({
    keyword: clause.keyword,
    actions: splitTopLevel(expression.slice(clause.end, found[i + 1]?.start ?? expression.length)),
  }));
}

/** A top-level attribute name (`#n` resolved, or a bare name); undefined for a nested path. */
function topLevelName(path: string, names: Record<string, string>): string | undefined {
  const trimmed = path.trim();
  if (!/^#?[A-Za-z0-9_]+$/.test(trimmed)) return undefined;
  return trimmed.startsWith('#') ? names[trimmed] : trimmed;
}

export function estimateUpdatedItem(before: Item | undefined, input: UpdateInput): Item {
  const item: Item = { ...(before ?? input.Key ?? {}) };
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  for (const { keyword, actions } of clauses(input.UpdateExpression ?? '')) {
    for (const action of actions) {
      if (keyword === 'SET') {
        const [lhs, ...rest] = action.split('=');
        const name = topLevelName(lhs ?? '', names);
        const rhs = rest.join('=').trim();
        if (!name) continue;
        const plain = /^:[A-Za-z0-9_]+$/.exec(rhs);
        const ifNotExists = /^if_not_exists\s*\(\s*([^,]+),\s*(:[A-Za-z0-9_]+)\s*\)$/.exec(rhs);
        if (plain && values[rhs]) item[name] = values[rhs];
        else if (ifNotExists && !(name in item) && values[ifNotExists[2] as string]) item[name] = values[ifNotExists[2] as string] as AttributeValue;
      } else if (keyword === 'REMOVE') {
        const name = topLevelName(action, names);
        if (name) delete item[name];
      } else if (keyword === 'ADD') {
        const [path, value] = action.split(/\s+/);
        const name = topLevelName(path ?? '', names);
        if (name && !(name in item) && value && values[value]) item[name] = values[value];
      }
    }
  }
  return item;
}
