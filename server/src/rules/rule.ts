import type { Severity } from '../core/severity';
import type { Step } from '../core/shell';
import type { Span } from '../core/span';
import type { DocumentKind, KnownKind } from '../formats/kind';
import type { ParsedDocument } from '../node/document';
import type { NodeSnapshot } from '../node/snapshot';

/**
 * A rule is data (meta) plus one pure function (check). It never sees LSP, files or settings:
 * the engine hands it one parsed document and the node it belongs to, and turns its findings
 * into diagnostics, CLI lines or code actions.
 */
export interface RuleMeta<K extends DocumentKind = DocumentKind, M extends string = string> {
  /** Stable id `area/kebab-problem-name`; users put it in suppression comments and CI configs. */
  readonly id: string;
  /** One line, shown in hovers, rule lists and the docs page heading. */
  readonly title: string;
  /** Default severity; settings may override it and findings may lower it (unknown facts). */
  readonly severity: Severity;
  /** The kind of document the rule reports on. */
  readonly reads: K;
  /** Other kinds of the same node the rule looks at for evidence (related information). */
  readonly uses?: readonly KnownKind[];
  /**
   * What a fix does: `edit` changes the document text (files users re-apply: iptables-save,
   * sysctl.conf, manifests), `command` is a remediation command for observation dumps.
   */
  readonly fix?: 'edit' | 'command';
  /**
   * What the rule says, by message id (as ESLint's `meta.messages`): templates whose `{name}`
   * placeholders are filled from a finding's `data`. Tests assert the id and data, not the prose;
   * the runner renders the text users read.
   */
  readonly messages?: Readonly<Record<M, string>>;
}

/** Evidence in another (or the same) document of the node. */
export interface Related {
  readonly document: ParsedDocument;
  readonly span: Span;
  readonly message: string;
}

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

/**
 * Fix safety, as Ruff marks it: a safe fix cannot change meaning beyond what the finding proves;
 * a fix that needs review is destructive (delete, flush, replace, cut connections) or rests on
 * evidence the dump cannot prove (a snapshot's rule positions, a guessed network).
 */
export type Safety = 'safe' | 'needs-review';

export interface EditFix {
  readonly kind: 'edit';
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** Safe fixes may be applied without review (`source.fixAll`); unsafe ones (needs review) change behaviour users must weigh. */
  readonly safe: boolean;
}

/**
 * Commands to run on the node, as typed steps (program + arguments, file contents, notes):
 * never shell text. `core/shell.ts` renders them; values from dumps stay arguments.
 */
export interface CommandFix {
  readonly kind: 'command';
  readonly title: string;
  readonly steps: readonly Step[];
  /** Only safe command fixes run in the remediation script; the others are written there commented out. */
  readonly safe: boolean;
  /** Why it needs review (required reading before uncommenting it); shown as a comment. */
  readonly review?: string;
}

/** The safety of any fix, in Ruff's words. */
export function safetyOf(fix: EditFix | CommandFix): Safety {
  return fix.safe ? 'safe' : 'needs-review';
}

export type Fix = EditFix | CommandFix;

/** Values for a message template's `{name}` placeholders. */
export type MessageData = Readonly<Record<string, string | number>>;

/** A finding's words: free text (rules not converted yet), or a message id of the rule's meta with its data. */
export type FindingMessage<M extends string = string> =
  | { readonly message: string; readonly messageId?: undefined; readonly data?: undefined }
  | { readonly messageId: M; readonly data?: MessageData; readonly message?: undefined };

export type Finding<M extends string = string> = FindingMessage<M> & FindingBody;

interface FindingBody {
  readonly span: Span;
  /** Overrides the rule's severity for this finding (e.g. downgraded because a fact is unknown). */
  readonly severity?: Severity;
  readonly related?: readonly Related[];
  readonly fixes?: readonly Fix[];
}

export interface RuleContext<K extends KnownKind> {
  readonly document: ParsedDocument<K>;
  readonly node: NodeSnapshot;
}

export interface Rule<K extends KnownKind = KnownKind, M extends string = string> {
  readonly meta: RuleMeta<K, M>;
  check(context: RuleContext<K>): Iterable<Finding<M>>;
}

/**
 * Rules are declared with this so `check` is typed by the kind the rule reads, and a finding's
 * `messageId` by the keys of `meta.messages`.
 */
export function defineRule<K extends KnownKind, const M extends string = never>(rule: Rule<K, M>): Rule<K, M> {
  return rule;
}

/**
 * The text of a message template with its `{name}` placeholders filled from `data`. A placeholder
 * without data stays as written (as ESLint does), so a rule's slip shows instead of vanishing.
 */
export function renderMessage(template: string, data: MessageData = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(data, name) ? String(data[name]) : whole));
}

/** The text users read for a finding of a rule. */
export function findingMessage(meta: Pick<RuleMeta, 'id' | 'messages'>, finding: FindingMessage): string {
  if (finding.message !== undefined) return finding.message;
  const template = meta.messages?.[finding.messageId];
  return template === undefined ? `${meta.id}: ${finding.messageId}` : renderMessage(template, finding.data);
}
