/**
 * Where to cut a JSON text that is too large to read whole (`kubectl get svc -A -o json` of a big
 * cluster), so that the prefix still reads as JSON: right after the last object of the top-level
 * array (a List's `items`, or a bare array) that ends before `max`, with the brackets still open
 * at that point closed after it. Appending the closers moves no offset of the prefix, so every span
 * stays exact. Undefined when the text is not JSON-shaped, or no item ends before `max`.
 */
export function jsonCut(text: string, max: number): { readonly cut: number; readonly closers: string } | undefined {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] !== '{' && text[i] !== '[') return undefined;
  const stack: number[] = [];
  let inString = false;
  let best: { cut: number; closers: string } | undefined;
  const limit = Math.min(text.length, max);
  for (; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) stack.push(c);
    else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      // An object closed directly inside the top-level array ([ ... ] or { "items": [ ... ] }).
      const depth = stack.length;
      if (c === 125 && depth >= 1 && depth <= 2 && stack[depth - 1] === 91 && (depth === 1 || stack[0] === 123)) {
        best = { cut: i + 1, closers: depth === 1 ? ']' : ']}' };
      }
    }
  }
  return best;
}
