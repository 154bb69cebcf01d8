import type { Severity } from '../../core/severity';
import { versionAtLeast } from '../../core/version';
import { describeFact } from '../../node/facts';
import { ruleStart, targetName, targetOption } from '../../formats/iptables/query';
import { defineRule, type Finding, type Fix, type Related } from '../rule';
import { cidrWithin, insertFailed, snatRole, tooOldForRandomFully } from './randomFullyCauses';
import { iptablesTooOldForRandomFully, podCidr } from './support';
import { TELL_KERNEL } from '../../node/questions';
import { pushAll } from '../../core/arrays';
import type { IptRule, IptTable } from '../../formats/iptables/model';
import { ChainMemo } from '../shared/chainMemo';

const SNAT_TARGETS = new Set(['MASQUERADE', 'SNAT']);

/** Each nat chain's SNAT and MASQUERADE rules, kept across edits of other chains (shared/chainMemo.ts). */
const snatMemo = new ChainMemo<readonly IptRule[]>((_chain, rules) => {
  let found: IptRule[] | undefined;
  for (const rule of rules) {
    // The name first (a save rule's from its columns, no target made): nearly every rule stops here.
    const snat = targetName(rule);
    if (snat !== undefined && SNAT_TARGETS.has(snat)) (found ??= []).push(rule);
  }
  return found ?? NONE;
});
const NONE: readonly IptRule[] = Object.freeze([]);

/** The table's SNAT and MASQUERADE rules in text order. */
function snatRules(table: IptTable): IptRule[] {
  const found: IptRule[] = [];
  for (const part of snatMemo.parts(table)) pushAll(found, part);
  if (found.length > 1) found.sort((a, b) => ruleStart(a) - ruleStart(b));
  return found;
}

/** Since kernel 5.0 `--random` uses the same fully random port choice as `--random-fully`. */
const RANDOM_EQUALS_FULLY = [5, 0];
/** From 5.10 resolved clashes are counted in `clash_resolve`, so `insert_failed` counts real drops only. */
const CLASH_RESOLVE_COUNTER = [5, 10];

export default defineRule({
  meta: {
    id: 'iptables/masquerade-without-random-fully',
    title: 'MASQUERADE/SNAT without --random-fully (SNAT source-port race)',
    severity: 'info',
    reads: 'iptables',
    fix: 'edit',
    messages: {
      // {details}: --random, kube-proxy's ownership, the node's insert_failed counter, a VXLAN device, an old iptables (sentences with a leading space).
      noRandomFully:
        '{target} in {chain} picks SNAT source ports without --random-fully: two connections NATed at the same moment can get the same port, the second conntrack insert fails and its packet is dropped (1 s+ connect delays, insert_failed in conntrack -S).{details}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const kernel = node.facts.kernel;
    const vxlan = node.facts.vxlanDevice;
    const failed = insertFailed(node);
    const oldIptables = iptablesTooOldForRandomFully(model);
    // One finding per cause: when a version explains why kube-proxy's own rule lacks the flag,
    // iptables/too-old-for-random-fully reports it (with this rule as related information).
    const explained = new Set(tooOldForRandomFully(model, node)?.rules ?? []);
    const pods = podCidr(model, node);
    for (const table of model.tables) {
      if (table.name.value !== 'nat') continue;
      for (const rule of snatRules(table)) {
        const target = rule.target!;
        if (targetOption(rule, '--random-fully') || explained.has(rule)) continue;
        // Docker's bridge egress and IPVS's hairpin rule are not the race of the seed incidents (docs page, "Whose rule").
        // Docker's rule is the pods' egress only when the pods live on Docker's bridge (dockershim with
        // the pod range as Docker's --bip, as in the XING incident): its source inside the pod network.
        const role = snatRole(rule);
        if (role === 'ipvs-hairpin') continue;
        if (role === 'docker-bridge' && !(pods && rule.source && cidrWithin(rule.source.value.value, pods.cidr))) continue;
        const random = targetOption(rule, '--random');
        if (random && kernel && versionAtLeast(kernel.value, RANDOM_EQUALS_FULLY)) continue;

        const name = targetName(rule)!;
        const parts: string[] = [];
        let severity: Severity | undefined;
        if (random) {
          parts.push(`It has --random, which is equivalent only on kernel 5.0 or later; the kernel version is unknown (${TELL_KERNEL}).`);
        }
        if (rule.chain.value.startsWith('KUBE-')) {
          parts.push('kube-proxy owns this chain: it adds --random-fully itself from 1.16 when its iptables is 1.6.2 or newer, so upgrading kube-proxy is the lasting fix.');
        }
        const fixes: Fix[] = [];
        const related: Related[] = [];
        if (failed) {
          severity = 'warning';
          let meaning: string;
          if (!kernel) meaning = `the kernel version is unknown: from 5.10 it counts only real drops, before 5.10 it also counts clashes the kernel resolved without loss (${TELL_KERNEL})`;
          else if (versionAtLeast(kernel.value, CLASH_RESOLVE_COUNTER)) meaning = `on kernel ${kernel.value.text} that counts packets actually dropped`;
          else meaning = `on kernel ${kernel.value.text} (before 5.10) the counter also counts clashes that were resolved without loss, so part of it may be harmless`;
          parts.push(
            `conntrack -S in ${failed.where} shows insert_failed = ${failed.total}: ${meaning}.${failed.chainTooLong > 0 ? ` ${Math.min(failed.chainTooLong, failed.total)} of them are chaintoolong (an undersized conntrack hash table), not port races.` : ''}`,
          );
          related.push(failed.related);
        }
        if (vxlan) {
          // With an unfixed kernel, --random-fully on traffic that can match VXLAN outer packets
          // triggers the UDP-checksum bug (63 s delays): point at it and do not auto-apply.
          parts.push(`Caution: this node has a VXLAN device (${describeFact(vxlan, (v) => v)}); on kernels before 5.7 adding --random-fully to rules that also match VXLAN-encapsulated packets triggers the checksum-offload bug. Disable tx checksum offload on the VXLAN device first.`);
          if (!failed) severity = 'info';
        }
        // An iptables older than 1.6.2 has no MASQUERADE --random-fully: its dump cannot show the
        // flag (the kernel rule may have it) and its iptables-restore rejects the edited line.
        const cannotExpress = name === 'MASQUERADE' && oldIptables !== undefined;
        if (cannotExpress) {
          parts.push(`This dump was written by iptables ${oldIptables.value}, whose MASQUERADE has no --random-fully (added in 1.6.2): it could not show the flag even if the kernel rule had it, and its iptables-restore cannot load it. Upgrade iptables on the host first.`);
          if (!failed) severity = 'hint';
          related.push({ document, span: oldIptables.span, message: `iptables ${oldIptables.value}` });
        }
        if (model.variant === 'save' && !cannotExpress) {
          fixes.push({
            kind: 'edit',
            title: `Add --random-fully to this ${name} rule`,
            edits: [{ span: { start: target.span.end, end: target.span.end }, newText: ' --random-fully' }],
            safe: !vxlan,
          });
        }
        if (vxlan && vxlan.source.kind === 'document') related.push({ document: vxlan.source.document, span: vxlan.source.span, message: `VXLAN device ${vxlan.value}` });
        const finding: Finding<'noRandomFully'> = {
          span: target.name.span,
          messageId: 'noRandomFully',
          data: { target: name, chain: rule.chain.value, details: parts.map((p) => ` ${p}`).join('') },
          ...(severity ? { severity } : {}),
          ...(fixes.length ? { fixes } : {}),
          ...(related.length ? { related } : {}),
        };
        yield finding;
      }
    }
  },
});
