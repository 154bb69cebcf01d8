import type { IptMatch } from '../../formats/iptables/model';
import { valueMask } from '../../formats/iptables/query';
import type { Flow } from '../flow';
import { allOf, bool, negate, negated, unmodelled, value, type MatchResult } from './types';

/** `-m mark --mark V[/M]` (the packet mark) and `-m connmark --mark V[/M]` (the connection's). */
export function markMatch(which: 'mark' | 'ctmark'): (m: IptMatch, flow: Flow) => MatchResult {
  return (m, flow) =>
    allOf(
      m.options.map((o) => {
        const vm = o.name.value === '--mark' ? valueMask(value(o) ?? '') : undefined;
        if (!vm) return unmodelled(m.name.value, o);
        const mark = which === 'mark' ? flow.mark : flow.ctmark;
        return negate(bool(((mark & vm.mask) >>> 0) === ((vm.value & vm.mask) >>> 0)), negated(o));
      }),
    );
}
