import type { IptRule, IptTable } from '../formats/iptables/model';
import { ruleIndex } from '../formats/iptables/navigation';
import { chainName, ruleStart } from '../formats/iptables/query';
import { chainsEditedSince, editStamp } from '../formats/iptables/saveModel';

/** A flannel/Calico/Cilium/Weave VXLAN device name. */
export const VXLAN_DEVICE = /^(?:flannel\.\d+|vxlan[.\w-]*|cilium_vxlan|weave-vxlan|vxlan-v6\.calico)$/;

/**
 * The table's first rule (in text order) with a VXLAN device as its in or out interface. Derived
 * with the node's facts on every keystroke, so kept per table across edits: after an edit that
 * left every rule in its chain (saveModel.ts' edit log), only the edited chains are looked at,
 * unless the rule found before is in one of them.
 */
export function firstVxlanRule(t: IptTable): IptRule | undefined {
  const stamp = editStamp(t);
  if (stamp === undefined) return firstIn(t.rules);
  const inChain = ruleIndex(t).inChain;
  const before = kept.get(t);
  const edited = before !== undefined && before.inChain === inChain ? chainsEditedSince(t, before.stamp) : undefined;
  let rule: IptRule | undefined;
  if (before === undefined || edited === undefined || (before.rule !== undefined && edited.includes(chainName(before.rule)))) rule = firstIn(t.rules);
  else {
    rule = before.rule;
    for (const chain of new Set(edited)) {
      const hit = firstIn(inChain.get(chain) ?? []);
      if (hit !== undefined && (rule === undefined || ruleStart(hit) < ruleStart(rule))) rule = hit;
    }
  }
  kept.set(t, { inChain, stamp, rule });
  return rule;
}

/** A rule's VXLAN interface: its in interface, else its out interface. */
export function vxlanInterface(rule: IptRule): NonNullable<IptRule['inInterface']> | undefined {
  for (const iface of [rule.inInterface, rule.outInterface]) if (iface && VXLAN_DEVICE.test(iface.value.value)) return iface;
  return undefined;
}

const kept = new WeakMap<IptTable, { readonly inChain: ReadonlyMap<string, readonly IptRule[]>; readonly stamp: number; readonly rule: IptRule | undefined }>();

function firstIn(rules: readonly IptRule[]): IptRule | undefined {
  for (const r of rules) if (vxlanInterface(r)) return r;
  return undefined;
}
