import type { Severity } from '../../core/severity';
import { kubeProxyConfigs } from '../../formats/k8s';
import { effective } from '../../formats/sysctl';
import { isKubeProxyTable } from '../../node/netfilter';
import { kernelAgainst } from '../../node/questions';
import { defineRule, type Related } from '../rule';
import { note, reviewFix, run, write } from '../shared/commands';
import { NFTABLES_INVALID_WORKAROUND_GATE } from '../shared/kernelGates';
import { selectorText, tableLabel } from '../../formats/nftables/query';

const BE_LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';

/**
 * iptables mode drops `ctstate INVALID` in KUBE-FORWARD; nftables mode has no such rule. On kernels
 * before 6.1, out-of-window TCP packets of NATed connections are marked INVALID, skip the reverse NAT,
 * reach the pod and provoke a RST ("connection reset by peer" on long-lived connections), unless
 * conntrack is liberal (`nf_conntrack_tcp_be_liberal = 1`, or kube-proxy `conntrack.tcpBeLiberal`).
 */
export default defineRule({
  meta: {
    id: 'nftables/no-invalid-drop-workaround',
    title: 'nftables mode on a kernel before 6.1 without the conntrack INVALID workaround',
    severity: 'warning',
    reads: 'nftables',
    uses: ['sysctl', 'k8s'],
    fix: 'command',
    messages: {
      // {evidence}: the kernel verdict, be_liberal and what is unknown (sentences with a leading space).
      noWorkaround:
        'kube-proxy runs in nftables mode (table {table}), which has no INVALID-drop rule (iptables mode drops "ctstate INVALID" in KUBE-FORWARD). On kernels before 6.1 out-of-window TCP packets of Service connections are marked INVALID, skip the reverse NAT, reach the pod and make it answer with a RST: long-lived connections are reset under load.{evidence} Set conntrack.tcpBeLiberal: true in the kube-proxy configuration (1.29+), or net.netfilter.nf_conntrack_tcp_be_liberal = 1 on the node, or upgrade the kernel to 6.1 or later.',
    },
  },
  *check({ document, node }) {
    const t = document.model.tables.find(isKubeProxyTable);
    if (!t) return;
    const kernel = kernelAgainst(node, NFTABLES_INVALID_WORKAROUND_GATE);
    if (kernel.verdict === 'fixed') return;
    for (const d of node.ofKind('k8s')) for (const kp of kubeProxyConfigs(d.model)) if (kp.conntrack.tcpBeLiberal.present && kp.conntrack.tcpBeLiberal.value) return;
    // Someone already drops INVALID in a forward chain (any table: a drop at a hook is final).
    for (const d of node.ofKind('nftables')) for (const x of d.model.tables) for (const c of x.chains) if (c.base?.hook.value === 'forward' && c.rules.some(isInvalidDrop)) return;
    const related: Related[] = [...kernel.related];
    let liberal: number | undefined;
    for (const d of node.ofKind('sysctl')) {
      const e = effective(d.model, BE_LIBERAL);
      if (e?.number === undefined) continue;
      liberal = e.number;
      related.push({ document: d, span: e.value.span, message: `${BE_LIBERAL} = ${e.number}` });
      break;
    }
    if (liberal !== undefined && liberal !== 0) return;
    const unknown: string[] = [];
    if (kernel.verdict === 'unknown') unknown.push(kernel.text);
    if (liberal === undefined) unknown.push(`${BE_LIBERAL} is unknown (add \`sysctl -a\` output to the node folder)`);
    const severity: Severity | undefined = unknown.length ? 'info' : undefined;
    const evidence = [
      kernel.verdict === 'affected' ? `${kernel.text}.` : '',
      liberal === 0 ? `${BE_LIBERAL} = 0, so conntrack does not accept those packets either.` : '',
      unknown.length ? `Unknown: ${unknown.join('; ')}.` : '',
    ];
    yield {
      span: t.name.span,
      messageId: 'noWorkaround',
      data: { table: tableLabel(t), evidence: evidence.filter(Boolean).map((p) => ` ${p}`).join('') },
      ...(severity ? { severity } : {}),
      related,
      fixes: [
        reviewFix(`Set ${BE_LIBERAL} = 1`, 'it relaxes TCP window checking for every connection of the node (less protection against injected packets); kube-proxy conntrack.tcpBeLiberal: true does the same and is managed with the cluster', [
          note('Accept out-of-window TCP packets instead of marking them INVALID (the kube-proxy docs\' workaround for nftables mode):'),
          run('sysctl', '-w', `${BE_LIBERAL}=1`),
          write('/etc/sysctl.d/90-tcp-be-liberal.conf', `${BE_LIBERAL} = 1`),
        ]),
      ],
    };
  },
});

function isInvalidDrop(r: { readonly statements: readonly import('../../formats/nftables/model').NftStatement[] }): boolean {
  const drop = r.statements.some((s) => s.kind === 'verdict' && s.verdict.value === 'drop');
  return (
    drop &&
    r.statements.some((s) => {
      if (s.kind !== 'match' || selectorText(s.left) !== 'ct state' || s.op?.value === '!=') return false;
      const r2 = s.right;
      return r2?.kind === 'value' ? r2.text.split(',').includes('invalid') : r2?.kind === 'anonSet' ? r2.elements.some((e) => e.key.kind === 'value' && e.key.text === 'invalid') : false;
    })
  );
}
