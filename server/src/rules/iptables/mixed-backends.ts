import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import type { IptablesModel } from '../../formats/iptables/model';
import { note, run, safeFix } from '../shared/commands';
import { defineRule, type Fix, type Related } from '../rule';
import { factWhere } from '../../node/questions';
import type { NodeSnapshot } from '../../node/snapshot';
import { nodePath } from '../../node/nodePath';

const HINT_CHAIN = 'KUBE-IPTABLES-HINT';

/**
 * NET-IPT-001: the legacy (x_tables) and nf_tables iptables back ends program separate rule sets
 * that the kernel both evaluates. A dump of one shows half of the node; components split across
 * back ends fight in ways no single dump reveals.
 */
export default defineRule({
  meta: {
    id: 'iptables/mixed-backends',
    title: 'Rules in both iptables back ends (legacy and nf_tables)',
    severity: 'warning',
    reads: 'iptables',
    uses: ['k8s'],
    fix: 'command',
    messages: {
      // {hint}: what kubelet's KUBE-IPTABLES-HINT chain says (a sentence with a leading space, or nothing).
      legacyTablesPresent: "iptables-nft reports that legacy (x_tables) rules exist on this node too: this dump shows only the nf_tables rules, and the kernel evaluates both sets, so a REJECT in one cannot be overridden by an ACCEPT in the other and kube-proxy, the CNI and the host firewall may each see a different half. Compare with iptables-legacy-save and move every component to one back end.{hint}",
      legacyTablesDumped: "iptables-nft reports that legacy (x_tables) rules exist on this node too: this dump shows only the nf_tables rules, and the kernel evaluates both sets, so a REJECT in one cannot be overridden by an ACCEPT in the other and kube-proxy, the CNI and the host firewall may each see a different half. Compare with iptables-legacy-save ({legacyDump} is such a dump) and move every component to one back end.{hint}",
      twoBackends:
        "This dump comes from the {backend} back end, {otherDump} from {otherBackend}, and both hold rules: the node runs two rule sets that the kernel both evaluates, so neither dump is the whole picture and the components writing them (kube-proxy, the CNI, the host firewall) may not see each other's rules. Move every component to one back end.{hint}",
      kubeProxyRulesElsewhere:
        'kube-proxy runs in {mode} mode ({modeFrom}), but this nf_tables dump has no KUBE-* chains: kube-proxy probably writes its rules into the legacy tables (check with iptables-legacy-save), so the node runs two rule sets.{hint}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const family = model.header?.family ?? 'ipv4';
    const others = node.ofKind('iptables').filter((d) => d !== document && (d.model.header?.family ?? 'ipv4') === family);
    const hint = hintText([document, ...others], node);
    const fix = commandFix(family === 'ipv6' ? 'ip6tables' : 'iptables');

    if (model.legacyTablesWarning) {
      const other = others.find((d) => d.model.header?.backend?.value === 'legacy' && hasRules(d.model));
      yield {
        span: model.legacyTablesWarning,
        ...(other ? { messageId: 'legacyTablesDumped' as const, data: { legacyDump: nodePath(other, node), hint: hint.text } } : { messageId: 'legacyTablesPresent' as const, data: { hint: hint.text } }),
        related: [...(other?.model.header?.backend ? [{ document: other, span: other.model.header.backend.span, message: `legacy dump ${nodePath(other, node)}` }] : []), ...hint.related],
        fixes: [fix],
      };
      return;
    }

    const backend = model.header?.backend;
    if (!backend) return;
    if (hasRules(model)) {
      const other = others.find((d) => {
        const b = d.model.header?.backend;
        return b !== undefined && b.value !== backend.value && hasRules(d.model);
      });
      if (other) {
        yield {
          span: backend.span,
          messageId: 'twoBackends',
          data: { backend: backend.value, otherDump: nodePath(other, node), otherBackend: other.model.header!.backend!.value, hint: hint.text },
          related: [{ document: other, span: other.model.header!.backend!.span, message: `${other.model.header!.backend!.value} back end` }, ...hint.related],
          fixes: [fix],
        };
        return;
      }
    }

    // kube-proxy writes iptables rules in iptables and ipvs mode; an nf_tables dump without any is suspicious.
    const mode = node.facts.kubeProxyMode;
    if (backend.value === 'nf_tables' && family === 'ipv4' && mode && (mode.value === 'iptables' || mode.value === 'ipvs') && hasNatOrFilter(model) && !hasKubeChains(model)) {
      yield {
        span: backend.span,
        messageId: 'kubeProxyRulesElsewhere',
        data: { mode: mode.value, modeFrom: factWhere(mode), hint: hint.text },
        related: [...(mode.source.kind === 'document' ? [{ document: mode.source.document, span: mode.source.span, message: `kube-proxy mode ${mode.value}` }] : []), ...hint.related],
        fixes: [fix],
      };
    }
  },
});

function hasRules(model: IptablesModel): boolean {
  return model.tables.some((t) => t.rules.length > 0);
}

function hasNatOrFilter(model: IptablesModel): boolean {
  return model.tables.some((t) => t.name.value === 'nat' || t.name.value === 'filter');
}

function hasKubeChains(model: IptablesModel): boolean {
  return model.tables.some((t) => t.chains.some((c) => c.name.value.startsWith('KUBE-')) || t.rules.some((r) => r.chain.value.startsWith('KUBE-')));
}

function hintSpan(model: IptablesModel): Span | undefined {
  for (const t of model.tables) {
    const c = t.chains.find((x) => x.name.value === HINT_CHAIN);
    if (c) return c.name.span;
  }
  return undefined;
}

/** kubelet (≥ 1.24) creates KUBE-IPTABLES-HINT in the back end it uses: say which one that is. */
function hintText(docs: readonly ParsedDocument<'iptables'>[], node: NodeSnapshot): { text: string; related: Related[] } {
  for (const d of docs) {
    const span = hintSpan(d.model);
    const b = d.model.header?.backend?.value;
    if (span && b) {
      return {
        text: ` kubelet advertises the ${b} back end with ${HINT_CHAIN} in ${nodePath(d, node)}; containerised components (kube-proxy, CNI plugins) pick their back end from it, so that is the one to keep.`,
        related: [{ document: d, span, message: `${HINT_CHAIN}: kubelet uses ${b}` }],
      };
    }
  }
  return { text: '', related: [] };
}

function commandFix(cmd: string): Fix {
  // Read-only: the flush is only described, never run.
  return safeFix('Inspect both iptables back ends', [
    note('See both rule sets (read-only); the dump shows only one of them:'),
    run(`${cmd}-legacy-save`),
    run(`${cmd}-nft-save`),
    note('Then make every component use the back end the host uses (kubelet names it with KUBE-IPTABLES-HINT), e.g.:'),
    note(`  update-alternatives --set ${cmd} /usr/sbin/${cmd}-nft`),
    note('and remove the rules of the other back end: reboot the node, or flush them, e.g.:'),
    note(`  ${cmd}-legacy -t nat -F; ${cmd}-legacy -t filter -F; ${cmd}-legacy -t mangle -F`),
  ]);
}
