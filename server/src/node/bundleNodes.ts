import { basename, join, normalize } from 'node:path';
import { BUGTOOL_FOLDER, BUNDLE_NAME, bundleAt, kindByPath, SYSDUMP_FOLDER, walkInto, type BundleType } from './bundles';
import { errCode, fileEntry, isDir, resolveEntry, shownJoin, type FolderReader, type NodeFile, type NodeFolder, type Walk } from './entries';

/**
 * The nodes of a support bundle (see node/bundles.ts for what the bundles are and which files
 * they hold): a sosreport or a cilium-bugtool folder is one node, walked whole (with an explicit
 * stack, only into folders where a path row can match); a Cilium sysdump is one node per bugtool
 * folder, each reading the sysdump's cluster-wide manifests for facts, plus those manifests as a
 * node of their own. Entries no row maps are counted, not noted one by one.
 */

/** How far up from a file the editor and the CLI look for the root of the bundle holding it. */
export const MAX_BUNDLE_DEPTH = 8;

const isFile = (reader: FolderReader, path: string): boolean => {
  try {
    return reader.stat(path).kind === 'file';
  } catch {
    return false;
  }
};

/** A folder's own name (`.` and `..` as given are resolved to the name they stand for). */
function folderName(reader: FolderReader, dir: string): string {
  const name = basename(dir);
  if (name !== '' && name !== '.' && name !== '..') return name;
  try {
    return basename(reader.realpath(dir));
  } catch {
    return name;
  }
}

/** The bundle rooted at `dir` (whose entries are `names`), if it is one. */
export function bundleOf(reader: FolderReader, dir: string, names: readonly string[]): BundleType | undefined {
  const subdirs = names.filter((n) => (n === 'sos_commands' || BUGTOOL_FOLDER.test(n)) && isDir(reader, join(dir, n)));
  const sosManifest = names.includes('sos_reports') && isFile(reader, join(dir, 'sos_reports', 'manifest.json'));
  return bundleAt({ name: folderName(reader, dir), subdirs, sosManifest });
}

interface Walked {
  readonly files: NodeFile[];
  /** Entries (files or folders) left out because no row can map them. */
  ignored: number;
}

/**
 * Walks one sosreport or bugtool folder. `given` (normalized) is a file the user named: it is
 * shown as they spelled it (`givenShown`) and read even where no row maps it.
 */
function walkBundle(w: Walk, type: BundleType, dir: string, shown: string, given?: { file: string; shown: string }): Walked {
  const out: Walked = { files: [], ignored: 0 };
  const stack: { dir: string; shown: string; rel: string }[] = [{ dir, shown, rel: '' }];
  while (stack.length > 0) {
    const at = stack.pop()!;
    let names: string[];
    try {
      names = w.reader.readdir(at.dir).sort();
    } catch (e) {
      w.notes.push({ path: at.shown, reason: `cannot list it (${errCode(e)})` });
      continue;
    }
    const subdirs: { dir: string; shown: string; rel: string }[] = [];
    for (const name of names) {
      const full = join(at.dir, name);
      const rel = at.rel ? `${at.rel}/${name}` : name;
      const named = given !== undefined && normalize(full) === given.file;
      const kind = kindByPath(type, rel);
      const enter = walkInto(type, rel);
      // Decided by name alone: no stat for the thousands of entries a sosreport holds that we never read.
      if (!kind && !enter && !named) {
        out.ignored++;
        continue;
      }
      const display = named ? given.shown : shownJoin(at.shown, name);
      const entry = resolveEntry(w, full, display, named);
      if (!entry) continue;
      if (entry.stat.kind === 'dir') {
        if (!enter) out.ignored++;
        else if (w.seenDirs.has(entry.real)) w.notes.push({ path: display, reason: 'a symbolic link loop (this folder is already read)' });
        else {
          w.seenDirs.add(entry.real);
          subdirs.push({ dir: full, shown: display, rel });
        }
        continue;
      }
      if (!kind && !named) {
        out.ignored++;
        continue;
      }
      const f = fileEntry(w, full, display, entry.stat, kind);
      if (f) out.files.push(f);
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
  return out;
}

/** One summary note per bundle for what it holds that kube-netlint does not read. */
function summary(w: Walk, type: BundleType, shown: string, read: number, ignored: number): void {
  if (ignored > 0) w.notes.push({ path: shown, reason: `its other ${ignored} entries hold nothing kube-netlint reads (a ${BUNDLE_NAME[type]}: ${read} files read, chosen by their path)` });
}

/** The cluster-wide manifests at the root of a sysdump (read by each of its nodes). */
function sysdumpClusterFiles(w: Walk, dir: string, shown: string, names: readonly string[], given?: { file: string; shown: string }): Walked {
  const out: Walked = { files: [], ignored: 0 };
  for (const name of names) {
    const full = join(dir, name);
    const named = given !== undefined && normalize(full) === given.file;
    const kind = kindByPath('cilium-sysdump', name);
    if (!kind && !named) {
      if (!BUGTOOL_FOLDER.test(name)) out.ignored++;
      continue;
    }
    const display = named ? given.shown : shownJoin(shown, name);
    const entry = resolveEntry(w, full, display, named);
    if (!entry || entry.stat.kind === 'dir') continue;
    const f = fileEntry(w, full, display, entry.stat, kind);
    if (f) out.files.push(f);
  }
  return out;
}

/**
 * The nodes of the bundle rooted at `dir` (already listed as `names`): one for a sosreport or a
 * bugtool folder; for a sysdump, one per bugtool folder and one for its cluster-wide manifests.
 */
export function bundleNodes(w: Walk, type: BundleType, dir: string, shown: string, names: readonly string[], given?: { file: string; shown: string }): NodeFolder[] {
  if (type !== 'cilium-sysdump') {
    const walked = walkBundle(w, type, dir, shown, given);
    summary(w, type, shown, walked.files.length, walked.ignored);
    return walked.files.length > 0 ? [{ name: shown, dir, files: walked.files }] : [];
  }
  const cluster = sysdumpClusterFiles(w, dir, shown, [...names].sort(), given);
  const nodes: NodeFolder[] = cluster.files.length > 0 ? [{ name: shown, dir, files: cluster.files }] : [];
  let read = cluster.files.length;
  let ignored = cluster.ignored;
  for (const name of [...names].sort()) {
    if (!BUGTOOL_FOLDER.test(name)) continue;
    const full = join(dir, name);
    const display = shownJoin(shown, name);
    const entry = resolveEntry(w, full, display);
    if (!entry || entry.stat.kind !== 'dir') continue;
    const walked = walkBundle(w, 'cilium-bugtool', full, display);
    read += walked.files.length;
    ignored += walked.ignored;
    if (walked.files.length > 0) nodes.push({ name: display, dir: full, files: walked.files, context: cluster.files });
  }
  summary(w, type, shown, read, ignored);
  return nodes;
}

/** The root of the bundle holding a file in `fileDir`, and how many folders up it is. */
export interface BundleRoot {
  readonly type: BundleType;
  readonly root: string;
  readonly up: number;
}

/**
 * Looks up from a file's folder for the bundle holding it (at most MAX_BUNDLE_DEPTH folders): a
 * sosreport root (holds `sos_commands` or `sos_reports/manifest.json`), a bugtool folder (by
 * name), or a sysdump whose root holds the file itself. Cheap probes only (a stat or a name per
 * level); the file's own folder is listed, as its siblings are read anyway.
 */
export function bundleRootOf(reader: FolderReader, fileDir: string): BundleRoot | undefined {
  let dir = fileDir;
  for (let up = 0; up <= MAX_BUNDLE_DEPTH; up++) {
    if (up === 0) {
      let names: string[] = [];
      try {
        names = reader.readdir(dir);
      } catch {
        return undefined;
      }
      const type = bundleOf(reader, dir, names);
      if (type) return { type, root: dir, up };
    } else {
      const name = folderName(reader, dir);
      if (isDir(reader, join(dir, 'sos_commands')) || isFile(reader, join(dir, 'sos_reports', 'manifest.json'))) return { type: 'sosreport', root: dir, up };
      if (BUGTOOL_FOLDER.test(name)) {
        // In a sysdump the node is the outer `cilium-bugtool-<pod>-<ts>` folder, which holds the archive's own top folder.
        const outer = join(dir, '..');
        return BUGTOOL_FOLDER.test(folderName(reader, outer)) ? { type: 'cilium-bugtool', root: outer, up: up + 1 } : { type: 'cilium-bugtool', root: dir, up };
      }
    }
    const parent = join(dir, '..');
    if (normalize(parent) === normalize(dir) || (up > 0 && SYSDUMP_FOLDER.test(folderName(reader, dir)))) return undefined;
    dir = parent;
  }
  return undefined;
}

/** The sysdump a bugtool folder sits in (its parent, by name), whose manifests its node reads. */
export function sysdumpAbove(reader: FolderReader, bugtoolDir: string): string | undefined {
  const parent = join(bugtoolDir, '..');
  return SYSDUMP_FOLDER.test(folderName(reader, parent)) ? parent : undefined;
}
