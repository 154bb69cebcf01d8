import { defineRule } from '../rule';
import { phraseOffsets } from '../../node/textHits';

/** `iptables v1.8.7 (nf_tables): table 'nat' is incompatible, use 'nft' tool.` (also `chain 'X' in table 'nat'`). */
const MESSAGE = /(?:ip6?tables|xtables|ebtables|arptables)[\w-]*(?: v[\d.]+)?(?: \(nf_tables\))?: (?:chain '([^'\n]{0,64})' in )?table '([^'\n]{1,32})' is incompatible, use 'nft' tool\.?/g;
const MAX_FINDINGS = 20;
/** What every MESSAGE match holds; a match never spans a line break. */
const PHRASE = "is incompatible, use 'nft' tool";

/**
 * iptables-nft refuses to list a table that holds rules it cannot represent: native nft rules
 * written into its `ip nat`/`ip filter` tables, or rules written by a newer iptables than the one
 * listing them (kubernetes/kubernetes#112477: host iptables 1.8.8 vs 1.8.7 in the kube-proxy image).
 * The capture then lacks that table: what it does not show is unknown, not absent.
 */
export default defineRule({
  meta: {
    id: 'nftables/iptables-incompatible-table',
    title: "iptables could not list a table: \"table 'nat' is incompatible, use 'nft' tool\"",
    severity: 'warning',
    reads: 'iptables',
    uses: ['nftables'],
    messages: {
      tableUnreadable:
        'iptables could not read table \'{table}\': it holds rules iptables-nft cannot represent, either native nft rules written into iptables-nft\'s table (by a tool using nft directly) or rules written by a newer iptables than the one that made this capture (kubernetes/kubernetes#112477). This capture lacks the {table} table, so nothing about it can be concluded from here. Capture `nft -a list ruleset` of the node, and make every component use the same iptables version (the host\'s and the one in kube-proxy/CNI images).',
      chainUnreadable:
        'iptables could not read chain \'{chain}\' of table \'{table}\': it holds rules iptables-nft cannot represent, either native nft rules written into iptables-nft\'s table (by a tool using nft directly) or rules written by a newer iptables than the one that made this capture (kubernetes/kubernetes#112477). This capture lacks the {table} table, so nothing about it can be concluded from here. Capture `nft -a list ruleset` of the node, and make every component use the same iptables version (the host\'s and the one in kube-proxy/CNI images). iptables before 1.8.11 also prints this for a chain that does not exist (netfilter commit 82ccfb48).',
    },
  },
  *check({ document }) {
    // The phrase first, from offsets kept across edits (node/textHits.ts): most dumps never hold
    // the message, and some are hundreds of MB. Each line holding it is matched on its own: no
    // match crosses a line break, so the matches are those of one search over the whole text.
    let n = 0;
    let lineEnd = -1;
    const text = document.text;
    for (const at of phraseOffsets(document, PHRASE)) {
      if (at < lineEnd) continue;
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const next = text.indexOf('\n', at);
      lineEnd = next < 0 ? text.length : next;
      const line = text.slice(lineStart, lineEnd);
      for (const m of line.matchAll(MESSAGE)) {
        if (n++ >= MAX_FINDINGS) return;
        const chain = m[1];
        const table = m[2]!;
        const start = lineStart + m.index!;
        yield {
          span: { start, end: start + m[0].length },
          ...(chain ? { messageId: 'chainUnreadable' as const, data: { chain, table } } : { messageId: 'tableUnreadable' as const, data: { table } }),
        };
      }
    }
  },
});
