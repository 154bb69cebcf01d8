#!/usr/bin/env node
// Regenerates syntaxes/<lang>.tmLanguage.json from syntaxes/build/<lang>.mjs.
// Usage: node syntaxes/build/build.mjs [outDir]   (default: syntaxes/)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = process.argv[2] ?? join(here, '..');
for (const lang of ['iptables', 'nftables', 'ipvsadm', 'conntrack', 'sysctl', 'ethtool', 'ip-link', 'ip-addr', 'ip-route', 'ip-rule', 'bridge-link']) {
  execFileSync(process.execPath, [join(here, `${lang}.mjs`), join(outDir, `${lang}.tmLanguage.json`)], { stdio: 'inherit' });
}
