import type { NodeSnapshot } from '../../node/snapshot';
import { effective, type SysctlEntry } from '../../formats/sysctl';
import { refusal } from '../../core/shellFields';
import { defineRule, type Finding, type Fix } from '../rule';
import { guarded, note, run, safeFix, write } from '../shared/commands';
import { plural, shortList } from '../shared/phrases';
import { commandFix, documentRole, insertLinesFix, replaceValueFix, type SysctlDoc } from './shared';
import { nodePath } from '../../node/nodePath';

const ALL = 'net.ipv4.conf.all.rp_filter';
const DEFAULT = 'net.ipv4.conf.default.rp_filter';
const IFACE = /^net\.ipv4\.conf\.([^.]+)\.rp_filter$/;
/** Physical uplinks (and bonds/teams of them); veths, bridges, tunnels and CNI devices are not. */
const UPLINK = /^(?:eth\d|en[ospx]|em\d|bond|team|wl|ib\d|p\d+p\d)/;
const NAMES = ['off', 'strict', 'loose'];
/** Why turning reverse-path filtering down waits for review. */
const RELAX = 'it relaxes reverse-path filtering (anti-spoofing) for the whole node: confirm the routing needs it first';
/** lxc devices set one by one in a command fix; the drop-in's glob covers the rest and new ones. */
const MAX_LXC_COMMANDS = 64;

type Cni = { readonly kind: 'calico' | 'cilium'; readonly evidence: string } | undefined;

function cni(node: NodeSnapshot): Cni {
  for (const d of node.ofKind('sysctl')) {
    for (const e of d.model.entries) {
      const m = IFACE.exec(e.key) ?? /^net\.ipv4\.conf\.([^.]+)\./.exec(e.key);
      const name = m?.[1];
      if (!name) continue;
      if (name.startsWith('cali')) return { kind: 'calico', evidence: `Calico interface ${name} in ${nodePath(d, node)}` };
      if (/^(?:lxc|cilium_)/.test(name)) return { kind: 'cilium', evidence: `Cilium interface ${name} in ${nodePath(d, node)}` };
    }
  }
  for (const ipt of node.ofKind('iptables')) {
    for (const t of ipt.model.tables) {
      for (const c of t.chains) {
        if (c.name.value.startsWith('cali-')) return { kind: 'calico', evidence: `Calico chain ${c.name.value} in ${nodePath(ipt, node)}` };
        if (c.name.value.startsWith('CILIUM_')) return { kind: 'cilium', evidence: `Cilium chain ${c.name.value} in ${nodePath(ipt, node)}` };
      }
    }
  }
  return undefined;
}

interface Iface {
  readonly name: string;
  readonly entry: SysctlEntry & { readonly number: number };
}

/** Per-interface rp_filter entries written as exact keys (no globs), in document order. */
function interfaces(doc: SysctlDoc): Iface[] {
  const out: Iface[] = [];
  const seen = new Set<string>();
  for (const e of doc.model.entries) {
    if (e.glob || e.number === undefined) continue;
    const m = IFACE.exec(e.key);
    const name = m?.[1];
    if (!name || name === 'all' || name === 'default' || seen.has(name)) continue;
    const eff = effective(doc.model, e.key);
    if (!eff || eff.number === undefined) continue;
    seen.add(name);
    out.push({ name, entry: eff as Iface['entry'] });
  }
  return out;
}

const mode = (n: number): string => `${n} (${NAMES[n] ?? 'unknown'})`;

/**
 * NET-SYS-003: reverse-path filtering that breaks the node's datapath. The kernel checks
 * max(conf/all, conf/<interface>) on each interface. Calico's Felix refuses loose mode on `all`;
 * Cilium needs it off on its `lxc*` devices; a node with several uplinks drops asymmetric
 * traffic in strict mode.
 */
const UPLINKS =
  'This node has {uplinks} ({names}) and strict reverse-path filtering (the kernel uses max(conf/all, conf/<interface>)): a packet that arrives on an uplink other than the one the reply would leave by (asymmetric routing, a second network, some overlays) is silently dropped.';
const CILIUM =
  "Cilium's datapath needs reverse-path filtering off on its lxc* devices ({evidence}); with it on, packets from pods are dropped as spoofed. systemd 245 and later apply net.ipv4.conf.*.rp_filter = 2 to every new interface, so new lxc devices inherit it.";
type CiliumMessage = 'ciliumAll' | 'ciliumNewDevices' | 'ciliumDevices';

export default defineRule({
  meta: {
    id: 'sysctl/rp-filter-strict',
    title: 'Reverse-path filter (rp_filter) incompatible with the CNI or with several uplinks',
    severity: 'warning',
    reads: 'sysctl',
    uses: ['iptables'],
    fix: 'edit',
    messages: {
      calicoLoose:
        '{key} = 2 (loose) on a Calico node ({evidence}): Felix refuses to start ("requires rp_filter 0 or 1") unless its IgnoreLooseRPF option is set, so pod networking on this node stops. systemd 240 and later ship net.ipv4.conf.all.rp_filter = 2 in 50-default.conf, so a distribution upgrade can bring this in.',
      allStrictUplinks: `{key} = 1 (strict) applies to every interface. ${UPLINKS}`,
      uplinkStrict: `{key} = 1 (strict). ${UPLINKS}`,
      uplinkStrictFixWithheld: `{key} = 1 (strict). ${UPLINKS} {withheld}`,
      ciliumAll: `{key} = {mode} applies to every interface, including Cilium's lxc* devices (the kernel uses max(conf/all, conf/<interface>)). ${CILIUM}`,
      ciliumNewDevices: `{key} = {mode} also applies to the lxc* devices Cilium creates. ${CILIUM}`,
      ciliumDevices: `{devices} ({names}) filter reverse paths ({key} = {mode}). ${CILIUM}`,
    },
  },
  *check({ document, node }) {
    const file = documentRole(document) === 'file';
    const all = effective(document.model, ALL);
    const allValue = all?.number;
    const context = cni(node);

    // Calico: Felix checks conf/all and will not start with loose mode (2).
    if (context?.kind === 'calico') {
      if (all && allValue === 2 && !all.glob) {
        const title = `Set ${ALL} = 1 (Calico requires 0 or 1)`;
        yield {
          span: all.span,
          severity: 'error',
          messageId: 'calicoLoose',
          data: { key: ALL, evidence: context.evidence },
          fixes: file ? [replaceValueFix(all, '1', title, false)] : [commandFix(title, ['Calico Felix does not start with loose reverse-path filtering on conf/all (or set Felix IgnoreLooseRPF: true instead).'], [{ key: ALL, value: '1' }], '90-calico-rp-filter.conf', { safe: false, review: 'strict mode drops replies on asymmetric routes; Felix IgnoreLooseRPF: true is the alternative' })],
        };
      }
      return;
    }

    // Cilium: its lxc* devices need reverse-path filtering off (effective = max(all, lxc)).
    if (context?.kind === 'cilium') {
      yield* cilium(document, file, all, context.evidence);
      return;
    }

    // Several physical uplinks and strict mode: replies that come back on another uplink are dropped.
    if (file) return;
    const uplinks = interfaces(document).filter((i) => UPLINK.test(i.name));
    if (uplinks.length < 2) return;
    const strict = uplinks.filter((i) => Math.max(allValue ?? 0, i.entry.number) === 1);
    if (strict.length === 0) return;
    const names = uplinks.map((i) => i.name);
    const base = { uplinks: plural(uplinks.length, 'uplink'), names: shortList(names) };
    if (all && allValue === 1) {
      yield {
        span: all.span,
        severity: 'info',
        messageId: 'allStrictUplinks',
        data: { key: ALL, ...base },
        fixes: [commandFix(`Set ${ALL} = 2 (loose)`, ['Loose mode only requires some route back to the source, so asymmetric routing over several uplinks works.'], [{ key: ALL, value: '2' }], '90-rp-filter.conf', { safe: false, review: RELAX })],
      };
      return;
    }
    for (const i of strict) {
      const g = guarded([['sysctlKey', i.entry.key], ['interface', i.name.replace(/\//g, '.')]], () =>
        commandFix(`Set ${i.entry.key} = 2 (loose)`, ['Loose mode only requires some route back to the source, so asymmetric routing over several uplinks works.'], [{ key: i.entry.key, value: '2' }], `90-rp-filter-${i.name.replace(/[^\w.-]/g, '_')}.conf`, { safe: false, review: RELAX }),
      );
      const data = { key: i.entry.key, ...base };
      yield {
        span: i.entry.span,
        severity: 'info',
        ...('fix' in g ? { messageId: 'uplinkStrict' as const, data, fixes: [g.fix] } : { messageId: 'uplinkStrictFixWithheld' as const, data: { ...data, withheld: g.withheld } }),
      };
    }
  },
});

function* cilium(doc: SysctlDoc, file: boolean, all: SysctlEntry | undefined, evidence: string): Generator<Finding<CiliumMessage>> {
  const override = 'net.ipv4.conf.lxc*.rp_filter = 0';
  const allValue = all?.number ?? 0;
  if (all && !all.glob && allValue !== 0) {
    // conf/all wins over any per-device 0: it has to be 0 itself.
    const title = `Set ${ALL} = 0 (Cilium)`;
    yield {
      span: all.span,
      messageId: 'ciliumAll',
      data: { key: ALL, mode: mode(allValue), evidence },
      fixes: file
        ? [replaceValueFix(all, '0', title, false)]
        : [commandFix(title, ['conf/all overrides a per-device 0; Cilium needs reverse-path filtering off on its lxc* devices.'], [{ key: ALL, value: '0' }], '99-override_cilium_rp_filter.conf', { safe: false, review: RELAX })],
    };
    return;
  }
  if (file) {
    // What a new lxc device gets: a matching (glob) assignment, else conf/default.
    const probe = effective(doc.model, 'net.ipv4.conf.lxc0.rp_filter') ?? effective(doc.model, DEFAULT);
    if (!probe || probe.number === undefined || probe.number === 0) return;
    const fix: Fix = insertLinesFix(doc, probe, [override], `Add "${override}" after this line`, true);
    yield {
      span: probe.span,
      messageId: 'ciliumNewDevices',
      data: { key: probe.key, mode: mode(probe.number), evidence },
      fixes: [fix],
    };
    return;
  }
  const lxc = interfaces(doc).filter((i) => i.name.startsWith('lxc') && i.entry.number !== 0);
  const first = lxc[0];
  if (!first) return;
  // Device names come from the dump: only keys and names that can be real reach a command.
  const usable = lxc.filter((i) => refusal('sysctlKey', i.entry.key) === undefined && refusal('interface', i.name.replace(/\//g, '.')) === undefined);
  const lxcNow = usable.slice(0, MAX_LXC_COMMANDS);
  const lxcSkipped = lxc.length - lxcNow.length;
  yield {
    span: first.entry.span,
    messageId: 'ciliumDevices',
    data: { devices: plural(lxc.length, 'Cilium device'), names: shortList(lxc.map((i) => i.name)), key: first.entry.key, mode: mode(first.entry.number), evidence },
    fixes: [
      safeFix('Turn rp_filter off on the lxc* devices', [
        note('Cilium needs reverse-path filtering off on its lxc* devices.'),
        ...lxcNow.map((i) => run('sysctl', '-w', `${i.entry.key}=0`)),
        ...(lxcSkipped > 0 ? [note(`(${lxcSkipped} more lxc devices: the drop-in below covers them at the next sysctl --system.)`)] : []),
        note('Persist it for new devices (systemd-sysctl applies globs to interfaces as they appear):'),
        write('/etc/sysctl.d/99-override_cilium_rp_filter.conf', override),
      ]),
    ],
  };
}
