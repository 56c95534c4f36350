import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workTreeRoot } from '../core/work-tree.js';
import type { ReportContext } from '../reporters/reporter.js';
import { pathToUri } from '../reporters/sarif.js';

/** `path` with its symbolic links resolved, or as written when it cannot be (it does not exist). */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * SARIF locations of scanned files as GitHub code scanning reads them: a relative URI is read from the
 * repository's root, an absolute file URI is made relative to the checkout. So inside a Git work tree
 * paths are relative to its root, from whichever of its directories Sanctum ran (`cd infra && sanctum
 * scan .` gives `infra/…`, not `…`); out of Git, relative to the directory Sanctum ran in, as before;
 * a file outside that root (`../other`) gets an absolute `file://` URI and no base id, where it was
 * `../other/…`, which climbs out of the repository. The root and each file are compared with their
 * symbolic links resolved (a path through a link into the work tree is in it). `stdinName`, the name
 * of the document `scan -` read, is no file of the directory Sanctum ran in: it is kept as given.
 */
export function sarifArtifacts(cwd: string, stdinName?: string): NonNullable<ReportContext['sarifArtifacts']> {
  const git = workTreeRoot(cwd);
  const root = real(git ?? resolve(cwd));
  const resolved = new Map<string, string>();
  const uriOf = (rel: string) => ({ uri: pathToUri(sep === '/' ? rel : rel.split(sep).join('/')), uriBaseId: '%SRCROOT%' });
  return {
    root: git
      ? 'The root of the Git work tree Sanctum ran in; result paths are relative to it.'
      : 'The directory Sanctum was run from; result paths are relative to it.',
    locate(path) {
      if (stdinName !== undefined && path === stdinName && !isAbsolute(path)) return uriOf(path);
      // Many findings share a file: its links are resolved once.
      let abs = resolved.get(path);
      if (abs === undefined) resolved.set(path, (abs = real(resolve(cwd, path))));
      const rel = relative(root, abs);
      if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
      return uriOf(rel);
    },
  };
}
