import { execFileSync } from 'node:child_process';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ScanResult } from '../core/types.js';
import { urlForMessage } from '../core/printable.js';
import { KubernetesFacts } from '../inventory/kubernetes-facts.js';
import { ScanSetupError } from '../scan.js';
import { parseShardSpec, type Shard } from '../sources/shard.js';
import type { TargetKind } from '../store/schema.js';

export interface UploadFlags {
  upload?: string;
  token?: string;
  uploadTarget?: string;
  runKey?: string;
  shard?: string;
}

/**
 * `--upload URL --token T` (and for `scan`, `--run-key` and `--shard I/N`), for every command whose
 * result can go to `sanctum serve`. `defaultTarget` says what names the run without --upload-target.
 */
export function addUploadOptions(cmd: Command, opts: { shards?: boolean; defaultTarget?: string } = {}): Command {
  cmd
    .option('--upload <url>', 'send the result to a `sanctum serve` (its URL); the token comes from --token or $SANCTUM_TOKEN')
    .option('--token <token>', 'API token for --upload (default: $SANCTUM_TOKEN)')
    .option(
      '--upload-target <name>',
      `name the run is stored under (default: ${opts.defaultTarget ?? 'the Git remote, else the directory name'})`,
    );
  if (opts.shards === false) return cmd;
  return cmd
    .option('--run-key <key>', 'what the shards of one run share (default: the CI pipeline id: GitHub, GitLab, Buildkite, Azure, Jenkins)')
    .option('--shard <I/N>', 'scan only part I of N of the files (split a big repository across CI jobs; the server merges the shards)');
}

/** The shard a scan runs, or undefined. */
export function shardOf(flags: UploadFlags): Shard | undefined {
  if (flags.shard === undefined) return undefined;
  try {
    return parseShardSpec(flags.shard);
  } catch (e) {
    throw new ScanSetupError((e as Error).message);
  }
}

/**
 * The upload flags checked before anything runs (a URL that is not http(s), shards without a run
 * key): found only when the scan was over, they cost the whole scan and printed its report before
 * the error. `uploadIfAsked` checks them again.
 */
export function checkUploadFlags(flags: UploadFlags): void {
  if (!flags.upload) return;
  let url: URL | undefined;
  try {
    url = new URL(flags.upload);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new ScanSetupError(`--upload must be an http(s) URL (got '${urlForMessage(flags.upload)}')`);
  const shard = shardOf(flags);
  if (shard && shard.total > 1 && !(flags.runKey ?? ciRunKey(process.env)))
    throw new ScanSetupError('--shard with --upload needs --run-key (or a CI pipeline id in the environment) that every shard shares');
}

/** The id the CI jobs of one pipeline share, so that their shards land in one run. */
export function ciRunKey(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_RUN_ID) return `github-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
  if (env.CI_PIPELINE_ID) return `gitlab-${env.CI_PIPELINE_ID}`;
  if (env.BUILDKITE_BUILD_ID) return `buildkite-${env.BUILDKITE_BUILD_ID}`;
  if (env.BUILD_BUILDID) return `azure-${env.BUILD_BUILDID}`;
  if (env.CIRCLE_WORKFLOW_ID) return `circleci-${env.CIRCLE_WORKFLOW_ID}`;
  if (env.BUILD_TAG) return `jenkins-${env.BUILD_TAG}`;
  return undefined;
}

/** `https://user:secret@github.com/acme/app.git` → `github.com/acme/app`: credentials never leave the machine. */
export function remoteName(url: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(.+)$/.exec(url);
  let hostPath: string;
  if (scp) hostPath = `${scp[1]}/${scp[2]}`;
  else {
    try {
      const u = new URL(url);
      hostPath = `${u.host}${u.pathname}`;
    } catch {
      hostPath = url.replace(/^[^@]*@/, '');
    }
  }
  return hostPath.replace(/\.git$/, '').replace(/\/+$/, '');
}

/** `--upload` of `sanctum audit`: where its alerts go (each batch a run of a `runtime` target), or undefined without --upload. */
export async function alertUploadOf(flags: UploadFlags): Promise<{ url: string; headers: Record<string, string> } | undefined> {
  if (!flags.upload) return undefined;
  const { alertsEndpoint, UploadError } = await import('../store/upload.js');
  try {
    return alertsEndpoint({ url: flags.upload, token: flags.token ?? process.env.SANCTUM_TOKEN, target: flags.uploadTarget ?? 'runtime' });
  } catch (e) {
    if (e instanceof UploadError) throw new ScanSetupError(e.message);
    throw e;
  }
}

/** A cluster's run name: its context and its API server's host (`prod (api.prod.example.com:6443)`), never credentials. */
export function clusterTargetName(c: { context: string; server: string }): string {
  let host: string;
  try {
    host = new URL(c.server).host || c.server;
  } catch {
    host = c.server
      .replace(/^[a-z]+:\/\//i, '')
      .replace(/^[^@/]*@/, '')
      .replace(/\/.*$/, '');
  }
  return `${c.context} (${host})`;
}

function defaultTarget(targets: string[], cwd: string): string {
  const dir = resolve(cwd, targets[0] ?? '.');
  try {
    const url = execFileSync('git', ['-C', dir, 'remote', 'get-url', 'origin'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    if (url) return remoteName(url);
  } catch {
    // not a Git work tree, or no origin: the directory name names it
  }
  return basename(dir) || dir;
}

/** With `--upload`, what the scan learns of Kubernetes objects for the store (pass `add` as `ScanOptions.onSet`); else undefined. */
export function kubernetesFactsFor(flags: UploadFlags): KubernetesFacts | undefined {
  return flags.upload ? new KubernetesFacts() : undefined;
}

/** Uploads a finished result when `--upload` was given; says what the server stored on stderr. */
export async function uploadIfAsked(
  result: ScanResult,
  flags: UploadFlags,
  ctx: {
    targets: string[];
    cwd: string;
    kind: TargetKind;
    stderr: NodeJS.WritableStream;
    quiet?: boolean;
    withInventory?: boolean;
    /** The run's name without --upload-target (default: the Git remote of the first target, else its directory name). */
    target?: string;
    /** What the scan learnt of the Kubernetes objects it read (see `kubernetesFactsFor`). */
    kubernetes?: KubernetesFacts;
  },
): Promise<void> {
  if (!flags.upload) return;
  const { uploadResult, UploadError } = await import('../store/upload.js');
  const shard = shardOf(flags);
  const runKey = flags.runKey ?? ciRunKey(process.env);
  if (shard && shard.total > 1 && !runKey)
    throw new ScanSetupError('--shard with --upload needs --run-key (or a CI pipeline id in the environment) that every shard shares');
  // One shard sends the target's inventory (every shard would send the same); stdin has none.
  let inventory;
  if (ctx.withInventory !== false && !ctx.targets.includes('-') && (!shard || shard.index === 1)) {
    const { collectInventory } = await import('../inventory/collect.js');
    inventory = collectInventory(ctx.targets.length ? ctx.targets : ['.'], { cwd: ctx.cwd });
  }
  try {
    const r = await uploadResult(result, {
      url: flags.upload,
      token: flags.token ?? process.env.SANCTUM_TOKEN,
      target: flags.uploadTarget ?? ctx.target ?? defaultTarget(ctx.targets, ctx.cwd),
      kind: ctx.kind,
      runKey,
      shard,
      inventory,
      kubernetes: ctx.kubernetes,
    });
    if (!ctx.quiet)
      ctx.stderr.write(
        `sanctum: uploaded run ${r.runId}${r.shardTotal > 1 ? ` (shard ${r.shardsReceived}/${r.shardTotal}${r.complete ? ', complete' : ''})` : ''}: ${r.findings} findings, ${r.newFindings} new, ${r.fixed} fixed\n`,
      );
  } catch (e) {
    if (e instanceof UploadError) throw new ScanSetupError(e.message);
    throw e;
  }
}
