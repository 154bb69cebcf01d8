import * as vscode from 'vscode';
import { parsePacket } from '../../../server/src/trace/packet';
import { pushHistory } from './history';

/**
 * Asks for a packet (an input box checked as you type, offered from the recent packets of this
 * workspace) and where it comes from (a quick pick). The packet grammar is the CLI's
 * (`server/src/trace/packet.ts`, a pure parser): the same text works in both.
 */
const HISTORY_KEY = 'kube-netlint.trace.history';
const NEW_PACKET = '$(add) New packet…';

const ORIGINS: readonly (vscode.QuickPickItem & { value: 'pod' | 'host' | 'external' })[] = [
  { label: 'pod', value: 'pod', description: 'arrives from a pod interface (cni0): PREROUTING, then INPUT or FORWARD' },
  { label: 'host', value: 'host', description: 'sent by a process on the node: OUTPUT, POSTROUTING' },
  { label: 'external', value: 'external', description: "arrives on the node's main interface (eth0)" },
];

export function validatePacket(text: string): string | undefined {
  const r = parsePacket(text);
  return 'error' in r ? r.error : undefined;
}

export async function askForTrace(state: vscode.Memento, initial?: string): Promise<{ packet: string; from: 'pod' | 'host' | 'external' } | undefined> {
  const history = state.get<unknown>(HISTORY_KEY);
  const recent = Array.isArray(history) ? history.filter((h): h is string => typeof h === 'string') : [];
  let value = initial ?? '';
  if (!initial && recent.length > 0) {
    const picked = await vscode.window.showQuickPick([NEW_PACKET, ...recent], { title: 'kube-netlint: Trace a packet (recent packets)', placeHolder: 'a recent packet, or a new one' });
    if (picked === undefined) return undefined;
    if (picked !== NEW_PACKET) value = picked;
  }
  const packet = await vscode.window.showInputBox({
    title: 'kube-netlint: Trace a packet',
    prompt: 'PROTO SRC[:SPORT] -> DST:DPORT (tcp, udp, sctp, icmp; IPv4)',
    placeHolder: 'udp 10.244.0.5 -> 10.96.0.10:53',
    value,
    validateInput: (t) => (t.trim() === '' ? undefined : validatePacket(t)),
  });
  if (packet === undefined || packet.trim() === '' || validatePacket(packet) !== undefined) return undefined;
  const from = await vscode.window.showQuickPick(ORIGINS, { title: 'kube-netlint: where does the packet come from?' });
  if (!from) return undefined;
  await state.update(HISTORY_KEY, pushHistory(recent, packet.trim()));
  return { packet: packet.trim(), from: from.value };
}
