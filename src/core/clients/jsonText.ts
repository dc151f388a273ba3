import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { McpctlError } from '../../shared/errors.js';

/**
 * Surgical edits of a JSON or JSONC file: one property inserted or removed, every other byte left
 * as it was (jsonc-parser's own `modify` reformats the sibling before the insertion point, so the
 * edits are made here from its syntax tree's offsets). Inserting then removing a property gives the
 * original text back.
 */

/** 1-based line and column of an offset, as editors show them. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** The file's syntax tree; a syntax error (a comment in strict JSON included) is a CONFIG_INVALID naming file:line:col. */
export function parseJsonText(text: string, file: string, comments: boolean): Node | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: !comments, allowTrailingComma: comments });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    throw new McpctlError('CONFIG_INVALID', `${file}:${line}:${column}: ${printParseErrorCode(first.error)}`, {
      hint: 'fix the file (it was left untouched), or point at another with --config FILE',
    });
  }
  if (root !== undefined && root.type !== 'object') {
    throw new McpctlError('CONFIG_INVALID', `${file}:1:1: the file is not a JSON object`, {
      hint: 'fix the file (it was left untouched), or point at another with --config FILE',
    });
  }
  return root;
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The file's indentation unit: the leading whitespace of its first indented line (two spaces by default). */
function indentUnit(text: string): string {
  const found = /\n([ \t]+)\S/.exec(text);
  return found?.[1] ?? '  ';
}

/** The leading whitespace of the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

function render(value: unknown, unit: string, indent: string, eol: string): string {
  return JSON.stringify(value, null, unit).split('\n').join(`${eol}${indent}`);
}

/** Offset just past `node`'s trailing comma, if one follows it (JSONC), skipping whitespace and comments. */
function afterTrailingComma(text: string, node: Node): number | undefined {
  let index = node.offset + node.length;
  while (index < text.length) {
    const rest = text.slice(index);
    const skip = /^(\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest);
    if (skip) {
      index += skip[0].length;
      continue;
    }
    return rest.startsWith(',') ? index + 1 : undefined;
  }
  return undefined;
}

/** Adds `"key": value` as the last property of `object`. */
function insertProperty(text: string, object: Node, key: string, value: unknown): string {
  const eol = eolOf(text);
  const unit = indentUnit(text);
  const properties = object.children ?? [];
  const last = properties[properties.length - 1];
  if (!last) {
    const indent = lineIndent(text, object.offset);
    const inner = `${indent}${unit}`;
    const body = `${eol}${inner}${JSON.stringify(key)}: ${render(value, unit, inner, eol)}${eol}${indent}`;
    return `${text.slice(0, object.offset + 1)}${body}${text.slice(object.offset + object.length - 1)}`;
  }
  const indent = lineIndent(text, last.offset);
  const property = `${JSON.stringify(key)}: ${render(value, unit, indent, eol)}`;
  const comma = afterTrailingComma(text, last);
  if (comma !== undefined) return `${text.slice(0, comma)}${eol}${indent}${property},${text.slice(comma)}`;
  const end = last.offset + last.length;
  return `${text.slice(0, end)},${eol}${indent}${property}${text.slice(end)}`;
}

/** Removes one property node: with the comma and line break before it (the inverse of insertProperty). */
function removeProperty(text: string, object: Node, property: Node): string {
  const siblings = object.children ?? [];
  const index = siblings.indexOf(property);
  const previous = siblings[index - 1];
  const next = siblings[index + 1];
  const end = property.offset + property.length;
  if (previous) return text.slice(0, previous.offset + previous.length) + text.slice(end);
  if (next) return text.slice(0, property.offset) + text.slice(next.offset);
  return text.slice(0, object.offset + 1) + text.slice(object.offset + object.length - 1);
}

/** The object node at `keyPath`, or undefined when some key is missing or holds no object. */
function objectAt(root: Node | undefined, keyPath: string[]): Node | undefined {
  if (!root) return undefined;
  const node = keyPath.length === 0 ? root : findNodeAtLocation(root, keyPath);
  return node?.type === 'object' ? node : undefined;
}

function propertyOf(object: Node, key: string): Node | undefined {
  return object.children?.find((property) => property.children?.[0]?.value === key);
}

/** The text with `entries[name] = value` in the map at `keyPath`, creating the missing objects on the way. */
export function withJsonEntry(
  text: string,
  root: Node | undefined,
  keyPath: string[],
  name: string,
  value: unknown,
): string {
  if (!root) {
    const eol = eolOf(text);
    let nested: unknown = { [name]: value };
    for (const key of [...keyPath].reverse()) nested = { [key]: nested };
    return `${JSON.stringify(nested, null, 2).split('\n').join(eol)}${eol}`;
  }
  let object = root;
  for (let depth = 0; depth < keyPath.length; depth += 1) {
    const key = keyPath[depth] as string;
    const property = propertyOf(object, key);
    const child = property?.children?.[1];
    if (!property || child?.type !== 'object') {
      if (property) {
        throw new McpctlError('CONFIG_INVALID', `'${keyPath.slice(0, depth + 1).join('.')}' is not an object`, {
          hint: 'fix the file (it was left untouched)',
        });
      }
      let nested: unknown = { [name]: value };
      for (const rest of keyPath.slice(depth + 1).reverse()) nested = { [rest]: nested };
      return insertProperty(text, object, key, nested);
    }
    object = child;
  }
  const existing = propertyOf(object, name);
  if (existing) {
    const valueNode = existing.children?.[1];
    if (!valueNode) return text;
    const eol = eolOf(text);
    const rendered = render(value, indentUnit(text), lineIndent(text, existing.offset), eol);
    return text.slice(0, valueNode.offset) + rendered + text.slice(valueNode.offset + valueNode.length);
  }
  return insertProperty(text, object, name, value);
}

/**
 * The text without `entries[name]`; a map (and each enclosing object on the key path) left empty by
 * that is removed too, so that an install which created it is undone byte for byte.
 */
export function withoutJsonEntry(text: string, root: Node | undefined, keyPath: string[], name: string): string {
  const chain: Node[] = [];
  let object = objectAt(root, []);
  if (!object) return text;
  chain.push(object);
  for (const key of keyPath) {
    const child: Node | undefined = propertyOf(object, key)?.children?.[1];
    if (child?.type !== 'object') return text;
    object = child;
    chain.push(object);
  }
  if (!propertyOf(object, name)) return text;
  const keys = [...keyPath, name];
  // Walk up while the object would be left empty: remove the outermost property that empties.
  let level = chain.length - 1;
  while (level > 0 && (chain[level]?.children?.length ?? 0) === 1) level -= 1;
  const parent = chain[level] as Node;
  const property = propertyOf(parent, keys[level] as string);
  if (!property) return text;
  return removeProperty(text, parent, property);
}

/** The value at `keyPath` (the server map), or undefined. */
export function jsonValueAt(root: Node | undefined, keyPath: string[]): Node | undefined {
  return objectAt(root, keyPath);
}
