import type { NftElement, NftExpr, NftStatement, NftablesModel } from '../../../server/src/formats/nftables/model';
import type { Span } from '../../../server/src/core/span';
import { spanRenderer } from '../../helpers/golden';

/**
 * Renders an nftables model with every span shown as `L:C-L:C "text"`, so a reviewer of the
 * golden file sees at once whether each range is exact. Expressions are rendered as a compact
 * tree (kind and text), statements one per line.
 */
export function renderNftables(text: string, m: NftablesModel): string {
  const at = spanRenderer(text);
  const out: string[] = [`variant ${m.variant}`];
  if (m.metainfo) out.push(`metainfo ${at(m.metainfo.span)} version=${m.metainfo.version ? at(m.metainfo.version.span) : '-'}`);
  for (const w of m.iptablesNftWarnings) out.push(`iptables-nft warning ${at(w.span)} family=${at(w.family.span)} table=${at(w.table.span)}`);
  for (const t of m.tables) {
    out.push(`table ${t.family.value} ${at(t.name.span)} span=${at(t.span)}${t.handle ? ` handle=${at(t.handle.span)}` : ''}${t.comment ? ` comment=${at(t.comment.span)}` : ''}`);
    for (const s of t.sets) {
      out.push(`  ${s.kind} ${at(s.name.span)}${s.implicit ? ' (implicit)' : ''} type=[${s.keyType.map((k) => k.value).join(' . ')}]${s.valueType ? ` : ${s.valueType.value}` : ''}${s.flags.length ? ` flags=${s.flags.map((f) => f.value).join(',')}` : ''}${s.timeout ? ` timeout=${s.timeout.value}` : ''}${s.handle ? ` handle=${s.handle.value}` : ''}`);
      for (const e of s.elements) out.push(`    elem ${renderElement(e, at)}`);
    }
    for (const o of t.objects) out.push(`  object ${o.type.value} ${at(o.name.span)} properties=${o.properties.length}`);
    for (const f of t.flowtables) out.push(`  flowtable ${at(f.name.span)} hook=${f.hook?.value ?? '-'} devices=${f.devices.map((d) => d.value).join(',')}`);
    for (const c of t.chains) {
      const b = c.base;
      out.push(`  chain ${at(c.name.span)}${c.implicit ? ' (implicit)' : ''}${c.handle ? ` handle=${c.handle.value}` : ''}`);
      if (b) out.push(`    base type=${b.type.value} hook=${b.hook.value}${b.device ? ` device=${b.device.value}` : ''} priority=${at(b.priority.span)} value=${b.priority.value ?? '?'} policy=${b.policy?.value ?? '-'}`);
      for (const r of c.rules) {
        out.push(`    rule ${at(r.span)}${r.handle ? ` handle=${at(r.handle.span)}` : ''}`);
        for (const s of r.statements) out.push(`      ${renderStatement(s, at)}`);
      }
    }
  }
  for (const c of m.commands) out.push(`command ${at(c.span)} object=${c.object?.value ?? '-'} table=${c.table?.value ?? '-'} name=${c.name?.value ?? '-'} handle=${c.handle?.value ?? '-'}`);
  for (const p of m.problems) out.push(`problem ${p.code} ${at(p.span)} ${p.message}`);
  return out.join('\n') + '\n';
}

export function renderExpr(e: NftExpr | undefined): string {
  if (!e) return '-';
  switch (e.kind) {
    case 'selector':
      return `sel(${[e.head.value, ...e.args.map((a) => a.value)].join(' ')})`;
    case 'value':
      return JSON.stringify(e.text);
    case 'setRef':
      return `@${e.name.value}`;
    case 'anonSet':
      return `{${e.elements.length}}`;
    case 'concat':
      return e.parts.map(renderExpr).join(' . ');
    case 'binop':
      return `(${renderExpr(e.left)} ${e.op.value} ${renderExpr(e.right)})`;
    case 'numgen':
      return `numgen(${e.mode.value} mod ${e.mod?.value ?? '?'})`;
    case 'hash':
      return `${e.fn.value}(${renderExpr(e.input)} mod ${e.mod?.value ?? '?'})`;
    case 'map':
      return `${renderExpr(e.key)} map ${renderExpr(e.mapping)}`;
    case 'opaque':
      return `opaque(${e.tokens.map((t) => t.value).join(' ')})`;
  }
}

function renderElement(e: NftElement, at: (s: Span) => string): string {
  return `${at(e.span)} key=${renderExpr(e.key)}${e.verdict ? ` verdict=${e.verdict.verdict.value}${e.verdict.target ? ` ${at(e.verdict.target.span)}` : ''}` : ''}${e.value ? ` value=${renderExpr(e.value)}` : ''}${e.comment ? ` comment=${JSON.stringify(e.comment.value)}` : ''}${e.timeout ? ` timeout=${e.timeout.value}` : ''}`;
}

function renderStatement(s: NftStatement, at: (s: Span) => string): string {
  const head = `${s.kind} ${at(s.span)}`;
  switch (s.kind) {
    case 'match':
      return `${head} ${renderExpr(s.left)}${s.op ? ` ${s.op.value}` : ''}${s.right ? ` ${renderExpr(s.right)}` : ''}`;
    case 'verdict':
      return `${head} ${s.verdict.value}${s.target ? ` -> ${at(s.target.span)}` : ''}`;
    case 'vmap':
      return `${head} ${renderExpr(s.key)} vmap ${renderExpr(s.map)}${s.map.kind === 'anonSet' ? s.map.elements.map((e) => `\n        elem ${renderElement(e, at)}`).join('') : ''}`;
    case 'counter':
      return `${head}${s.packets ? ` packets=${s.packets.value}` : ''}${s.bytes ? ` bytes=${s.bytes.value}` : ''}${s.name ? ` name=${s.name.value}` : ''}`;
    case 'nat':
      return `${head} ${s.type.value}${s.family ? ` ${s.family.value}` : ''}${s.to ? ` to=${renderExpr(s.to)}` : ''}${s.flags.length ? ` flags=${s.flags.map((f) => f.value).join(',')}` : ''}`;
    case 'set':
      return `${head} ${renderExpr(s.target)} = ${renderExpr(s.value)}`;
    case 'setUpdate':
      return `${head} ${s.op.value} ${at(s.set.span)} ${renderExpr(s.key)}`;
    case 'comment':
      return `${head} ${JSON.stringify(s.text.value)}`;
    case 'log':
      return `${head}${s.prefix ? ` prefix=${JSON.stringify(s.prefix.value)}` : ''}`;
    case 'limit':
      return `${head}${s.over ? ' over' : ''} rate=${s.rate?.value ?? '-'}`;
    case 'reject':
      return `${head} ${s.with.map((w) => w.value).join(' ')}`;
    case 'quota':
      return `${head} ${s.name ? s.name.value : s.options.map((o) => o.value).join(' ')}`;
    case 'other':
      return `${head} ${s.keyword.value} ${s.tokens.map((t) => t.value).join(' ')}`;
  }
}
