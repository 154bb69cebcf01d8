/**
 * The only place that writes shell text. Remediation commands are data — a program and its
 * arguments, file contents as lines, explanations as plain text — and become shell text here, by
 * two functions: `commandLine` (every argument POSIX single-quoted unless it is made only of
 * characters no shell treats specially) and `commentLine` (nothing in the text can end the
 * comment or drive a terminal). Values from dumps are untrusted: quoting, not checking, is what
 * keeps them inert; the field checks in `shellFields.ts` only refuse values that cannot be right.
 */

/** One program invocation: the program, then each argument exactly as the program must receive it. */
export type Argv = readonly [program: string, ...args: string[]];

/** One step of a remediation: an explanation, a pipeline to run, or a file to write. */
export type Step =
  /** A comment: why, what to check, or a command to run by hand (never executed). */
  | { readonly kind: 'note'; readonly text: string }
  /**
   * Commands joined by pipes. `mayFail`: a non-zero status is expected (grep finding nothing,
   * conntrack deleting nothing) and must not stop a `set -e` script. `quiet`: the last command's
   * error output is dropped (missing files in a search).
   */
  | { readonly kind: 'run'; readonly pipeline: readonly [Argv, ...Argv[]]; readonly mayFail?: boolean; readonly quiet?: boolean }
  /** Writes `lines` (each followed by a newline) to `path`, replacing it (through `tee`, so it works under sudo too). */
  | { readonly kind: 'write'; readonly path: string; readonly lines: readonly string[] };

/** Characters that never mean anything to a POSIX shell or bash in an argument. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** Words that would be syntax, not a program name, in command position. */
const RESERVED = new Set(['!', '{', '}', 'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while', '[[', ']]', 'coproc']);

/**
 * One argument as shell text: unchanged when it is plain, else inside single quotes, where
 * nothing is special except the quote itself, written `'\''` (close, escaped quote, reopen).
 * Callers never pass a NUL: no shell argument can hold one (`commandLine` withholds such a command).
 */
export function quoteWord(word: string): string {
  return PLAIN.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The program word: also quoted when it would read as an assignment or a reserved word. */
function quoteProgram(program: string): string {
  return program.includes('=') || RESERVED.has(program) ? `'${program.replace(/'/g, `'\\''`)}'` : quoteWord(program);
}

/**
 * A command line from typed arguments. Returns undefined when an argument holds a NUL byte,
 * which no program can receive (its argv is C strings): the caller withholds the command.
 */
export function commandLine(argv: Argv): string | undefined {
  if (argv.some((a) => a.includes('\0'))) return undefined;
  return [quoteProgram(argv[0]), ...argv.slice(1).map(quoteWord)].join(' ');
}

/**
 * Characters shown escaped in a comment: C0 controls (newline and CR end or overwrite the line),
 * DEL, C1 controls (terminal escapes), Unicode line and paragraph separators, and the bidi
 * controls that reorder what a reader sees.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_COMMENT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

const escapeChar = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * One comment line saying `text`: a shell comment ends only at a newline, so every character
 * that is or looks like one (and every control character) is written as a visible escape.
 */
export function commentLine(text: string): string {
  const safe = text.replace(UNSAFE_IN_COMMENT, escapeChar);
  return safe === '' ? '#' : `# ${safe}`;
}

/** The lines of one step. A command that cannot be written (a NUL in an argument) becomes a note saying so. */
export function stepLines(step: Step): string[] {
  switch (step.kind) {
    case 'note':
      return [commentLine(step.text)];
    case 'run': {
      const parts = step.pipeline.map(commandLine);
      if (parts.some((p) => p === undefined)) return [commentLine('(a command was withheld: one of its arguments holds a NUL byte, which no command can receive)')];
      return [`${parts.join(' | ')}${step.quiet ? ' 2>/dev/null' : ''}${step.mayFail ? ' || true' : ''}`];
    }
    case 'write': {
      const printf = commandLine(['printf', '%s\\n', ...step.lines]);
      const tee = commandLine(['tee', step.path]);
      if (printf === undefined || tee === undefined) return [commentLine('(a file write was withheld: its path or content holds a NUL byte)')];
      return [`${printf} | ${tee} >/dev/null`];
    }
  }
}

/** The shell text of a list of steps, one line each, as the "copy command" action copies it. */
export function renderSteps(steps: readonly Step[]): string {
  return steps.flatMap(stepLines).join('\n');
}

/**
 * What "copy command" puts on the clipboard: the steps as shell text, preceded by the reason to
 * review them when the fix is not safe (the user asked for these commands explicitly).
 */
export function renderCopyText(steps: readonly Step[], review?: string): string {
  return `${review !== undefined ? `${commentLine(`Review before running: ${review}.`)}\n` : ''}${renderSteps(steps)}\n`;
}

/** The same steps commented out (a fix that needs review): each line is a comment, nothing runs. */
export function renderCommentedOut(steps: readonly Step[]): string[] {
  return steps.flatMap((s) => (s.kind === 'note' ? stepLines(s) : stepLines(s).map((line) => commentLine(`  ${line}`))));
}
