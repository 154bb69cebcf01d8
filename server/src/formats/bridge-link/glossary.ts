import { LINK_WORDS } from '../ip-link/glossary';

/** Port STP states (`state forwarding` in `bridge link`). Source: bridge(8). */
export const PORT_STATES: Readonly<Record<string, string>> = {
  disabled: 'The port is down or disabled: no traffic passes.',
  listening: 'STP listening: no traffic passes yet.',
  learning: 'STP learning: MACs are learnt, frames are not forwarded yet.',
  forwarding: 'The port forwards traffic (CNI bridges run without STP, so every up port forwards).',
  blocking: 'STP blocks the port to break a loop: no traffic passes.',
};

/** `bridge link` words: the port settings plus what `ip link` shares. */
export const BRIDGE_WORDS: Readonly<Record<string, string>> = {
  ...LINK_WORDS,
  master: 'The bridge this port belongs to.',
  state: 'The port\'s STP state.',
};
