import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, SERVER_COMMANDS } from '../../server/src/core/commands';

interface Manifest {
  readonly activationEvents?: readonly string[];
  readonly contributes: { readonly commands: readonly { readonly command: string }[]; readonly menus?: Record<string, readonly { readonly command?: string }[]> };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;
const known = new Set<string>(Object.values(COMMANDS));

describe('command ids', () => {
  it('every command package.json contributes or puts in a menu is defined in core/commands.ts', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command);
    const inMenus = Object.values(manifest.contributes.menus ?? {}).flatMap((items) => items.map((i) => i.command).filter((c): c is string => c !== undefined));
    for (const id of [...contributed, ...inMenus]) assert.ok(known.has(id), `${id} is not in COMMANDS`);
  });

  it('every client command the palette shows is contributed, and the server-only ones are not', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const id of [COMMANDS.generateRemediationScript, COMMANDS.showOutput, COMMANDS.restartServer, COMMANDS.trace]) assert.ok(contributed.has(id), id);
    for (const id of SERVER_COMMANDS) assert.ok(!contributed.has(id), `${id} is run by the server, not the palette`);
  });

  it('ids are unique and namespaced', () => {
    const ids = Object.values(COMMANDS);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^kube-netlint\.[a-zA-Z.]+$/);
  });
});
