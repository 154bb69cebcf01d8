/**
 * The dump as the shell script an administrator would write for it, one line per dump line:
 * `*nat` and `COMMIT` become comments, `:CHAIN - [0:0]` becomes `iptables -t nat -N CHAIN`, a
 * built-in chain's policy `-P`, and every rule `iptables -t <table> <rule>`.
 */
export function asShellScript(lines: readonly string[]): string[] {
  let table = 'filter';
  return lines.map((l) => {
    if (l.startsWith('*')) {
      table = l.slice(1).trim() || table;
      return `# table ${table}`;
    }
    if (l === 'COMMIT') return `# end of table ${table}`;
    const decl = /^:(\S+)\s+(\S+)/.exec(l);
    if (decl) return decl[2] === '-' ? `iptables -t ${table} -N ${decl[1]}` : `iptables -t ${table} -P ${decl[1]} ${decl[2]}`;
    if (l.startsWith('-')) return `iptables -t ${table} ${l}`;
    return l;
  });
}
