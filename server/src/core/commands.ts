/**
 * Every command id of the extension, once: the server's (run through `workspace/executeCommand`),
 * the client's (registered in client/src, named in code actions and code lenses), and the ones
 * package.json contributes to the palette and menus (test/core/commands.test.ts checks package.json
 * against this table). Pure data, so the client bundle can import it without pulling in the server.
 */
export const COMMANDS = {
  /** Server: asks the client to open a rule's docs page (argument: the rule id). */
  showRuleDocs: 'kube-netlint.showRuleDocs',
  /** Server: the node's remediation commands as one shell script (argument: a document URI). */
  remediationScript: 'kube-netlint.remediationScript',
  /** Client: copies its argument to the clipboard (remediation commands of code actions). */
  copyToClipboard: 'kube-netlint.copyToClipboard',
  /** Client (palette): writes the node's remediation script to a new editor. */
  generateRemediationScript: 'kube-netlint.generateRemediationScript',
  showOutput: 'kube-netlint.showOutput',
  restartServer: 'kube-netlint.restartServer',
  /** Client: the packet tracer (client/src/trace). */
  trace: 'kube-netlint.trace',
  traceService: 'kube-netlint.traceService',
  traceReveal: 'kube-netlint.trace.reveal',
  traceShowPicture: 'kube-netlint.trace.showPicture',
  traceClear: 'kube-netlint.trace.clear',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Commands the language server executes itself (its `executeCommandProvider`). */
export const SERVER_COMMANDS: readonly CommandId[] = [COMMANDS.showRuleDocs, COMMANDS.remediationScript];
