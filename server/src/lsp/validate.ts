import { fileURLToPath } from 'node:url';

/**
 * The shape every incoming LSP message must have before a handler sees it: one table, method →
 * params check. Clients are trusted to speak LSP but not to speak it correctly (a `didOpen` without
 * `text` used to throw inside a timer and end the process). A message that fails is logged and
 * dropped; a request that fails is answered with InvalidParams, so its sender never waits forever.
 *
 * Only what the server reads is checked; extra fields pass (clients add their own).
 */

/** Undefined when the value is well-formed, else the reason (with the path to the bad field). */
export type Check = (value: unknown, path: string) => string | undefined;

const MAX_UINTEGER = 2 ** 31 - 1;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const anything: Check = () => undefined;
export const string: Check = (v, p) => (typeof v === 'string' ? undefined : `${p} must be a string`);
export const boolean: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p} must be a boolean`);
/** LSP `integer` (document versions may be negative in theory). */
export const integer: Check = (v, p) =>
  Number.isInteger(v) && Math.abs(v as number) <= MAX_UINTEGER ? undefined : `${p} must be an integer`;
/** LSP `uinteger`: lines, characters. Huge values are legal (positions clamp to the text). */
export const uinteger: Check = (v, p) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_UINTEGER ? undefined : `${p} must be an integer in 0..2^31-1`;

/** A URI the server can turn into a path: parsable, and a `file:` URI that names a local file. */
export const uri: Check = (v, p) => {
  if (typeof v !== 'string') return `${p} must be a string`;
  if (!URL.canParse(v)) return `${p} is not a URI`;
  if (v.startsWith('file:')) {
    try {
      fileURLToPath(v);
    } catch {
      return `${p} is not a local file URI`;
    }
  }
  return undefined;
};

export function optional(check: Check): Check {
  return (v, p) => (v === undefined || v === null ? undefined : check(v, p));
}

/** The field must be missing (a full-text change has no range). */
export const absent: Check = (v, p) => (v === undefined ? undefined : `${p} must be absent`);

export function object(fields: Readonly<Record<string, Check>>): Check {
  const entries = Object.entries(fields);
  return (v, p) => {
    if (!isObject(v)) return `${p} must be an object`;
    for (const [key, check] of entries) {
      const problem = check(v[key], `${p}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

export function array(item: Check): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return `${p} must be an array`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${p}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** The first alternative that fits; else the reasons of all. */
export function oneOf(...alternatives: readonly Check[]): Check {
  return (v, p) => {
    const problems: string[] = [];
    for (const check of alternatives) {
      const problem = check(v, p);
      if (!problem) return undefined;
      problems.push(problem);
    }
    return problems.join(', or ');
  };
}

const position = object({ line: uinteger, character: uinteger });
const range = object({ start: position, end: position });
const textDocument = object({ uri });
const contentChange = oneOf(object({ range, rangeLength: optional(uinteger), text: string }), object({ range: absent, text: string }));
const diagnostic = object({ range, message: string });

/** What each method's params must look like. Methods not listed are left to the protocol library. */
export const PARAMS: Readonly<Record<string, Check>> = {
  initialize: object({ capabilities: object({}), processId: optional(integer), rootUri: optional(uri) }),
  initialized: optional(object({})),
  'textDocument/didOpen': object({ textDocument: object({ uri, languageId: string, version: integer, text: string }) }),
  'textDocument/didChange': object({ textDocument: object({ uri, version: integer }), contentChanges: array(contentChange) }),
  'textDocument/didClose': object({ textDocument }),
  'textDocument/didSave': object({ textDocument, text: optional(string) }),
  'textDocument/hover': object({ textDocument, position }),
  'textDocument/codeAction': object({ textDocument, range, context: object({ diagnostics: array(diagnostic), only: optional(array(string)) }) }),
  'textDocument/documentSymbol': object({ textDocument }),
  'textDocument/foldingRange': object({ textDocument }),
  'textDocument/definition': object({ textDocument, position }),
  'textDocument/references': object({ textDocument, position, context: object({ includeDeclaration: boolean }) }),
  'textDocument/inlayHint': object({ textDocument, range }),
  'workspace/executeCommand': object({ command: string, arguments: optional(array(anything)) }),
  'workspace/didChangeConfiguration': object({}),
  'workspace/didChangeWatchedFiles': object({ changes: array(object({ uri, type: uinteger })) }),
  '$/cancelRequest': object({ id: oneOf(integer, string) }),
  '$/setTrace': object({ value: string }),
  'textDocument/codeLens': object({ textDocument }),
  'codeLens/resolve': object({ range }),
  'codeAction/resolve': object({ title: string }),
  // lsp/traceRequest.ts checks the values (packet, interfaces, mark, addresses) and says which is wrong.
  'kube-netlint/trace': object({
    uri,
    packet: string,
    from: optional(string),
    in: optional(string),
    out: optional(string),
    mark: optional(string),
    ctstate: optional(string),
    local: optional(array(string)),
    route: optional(array(string)),
  }),
};

/** Why an incoming message must not reach a handler, or undefined when it may. */
export function invalidParams(method: string, params: unknown): string | undefined {
  const check = Object.hasOwn(PARAMS, method) ? PARAMS[method] : undefined;
  return check?.(params, 'params');
}
