import type { ScanDocument } from '../core/document.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { AnyRule } from '../core/rule.js';
import { severityRank } from '../core/types.js';
import { reporters } from '../reporters/index.js';
import type { ClusterScanResult } from '../scan-cluster.js';
import { getRegistry, ScanSetupError } from '../scan.js';
import { collect } from './list-flag.js';
import { exitCodeFor, refuseFormatAsOutput } from './main.js';
import { checkUploadFlags, clusterTargetName, kubernetesFactsFor, uploadIfAsked } from './upload-options.js';
import { outputFiles, streamReport, writeOutputFile } from './output-file.js';
import { addReportFlags, effectiveFailOn, reportOptionsFrom, type ReportFlags } from './report-flags.js';

interface ClusterFlags extends ReportFlags {
  kubeconfig?: string;
  context?: string;
  namespace: string[];
  allNamespaces?: boolean;
  pageSize: string;
  requestTimeout: string;
  apply?: boolean;
}

interface ClusterIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  cwd?: string;
}

const FORMATS = (): string[] => [...Object.keys(reporters), 'policyreport'];

/**
 * `sanctum cluster`: scans a live cluster through its API (kubeconfig or in-cluster service account)
 * with the rules of `scan`; `--format policyreport --apply` writes wg-policy reports back to it.
 */
export function addClusterCommand(program: Command, io: ClusterIO, setExitCode: (code: number) => void): void {
  addReportFlags(program.command('cluster'), {
    formats: FORMATS(),
    failOnError: 'exit 1 when a resource could not be listed',
    config: 'configuration file (default: .sanctum.yaml found upward from the current directory)',
    quiet: 'print nothing but the report',
    upload: { shards: false, defaultTarget: 'the context and the API server' },
  })
    .description('scan a live Kubernetes cluster through its API: every object the rules read, and what only a cluster shows')
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, ~/.kube/config, else the pod service account)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .addOption(
      new Option('-n, --namespace <name>', 'only this namespace (repeatable), with the cluster-scoped objects that act in it')
        .argParser(collect)
        .default([]),
    )
    .option('-A, --all-namespaces', 'every namespace (the default)')
    .option('--page-size <n>', 'objects per list request', '500')
    .option('--request-timeout <seconds>', 'how long each request (each page of a list) may take to be answered in full', '60')
    .option('--apply', 'with --format policyreport: write the PolicyReport and ClusterPolicyReport objects to the cluster')
    .action(async (flags: ClusterFlags) => {
      checkUploadFlags(flags);
      const cwd = io.cwd ?? process.cwd();
      if (flags.allNamespaces && flags.namespace.length) throw new ScanSetupError('--all-namespaces and --namespace exclude each other');
      const pageSize = Number(flags.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1)
        throw new ScanSetupError(`--page-size must be a positive whole number (got '${flags.pageSize}')`);
      const requestTimeout = Number(flags.requestTimeout);
      if (!(requestTimeout > 0) || !Number.isFinite(requestTimeout))
        throw new ScanSetupError(`--request-timeout must be a positive number of seconds (got '${flags.requestTimeout}')`);
      const formats = flags.format.length ? flags.format : ['table'];
      for (const f of formats)
        if (!FORMATS().includes(f)) throw new ScanSetupError(`unknown format '${f}' (known: ${FORMATS().join(', ')})`);
      refuseFormatAsOutput(flags, (f) => FORMATS().includes(f));
      if (flags.apply && !formats.includes('policyreport'))
        throw new ScanSetupError('--apply writes Policy Reports: give --format policyreport');
      if (flags.output.length > 0 && flags.output.length !== formats.length) throw new ScanSetupError('give one --output per --format');
      // `-o -` is stdout.
      const files = outputFiles(flags.output);
      const failOn = effectiveFailOn(flags, cwd, ['.']);
      const summarize = (result: ClusterScanResult): void => {
        const c = result.cluster;
        io.stderr.write(
          `sanctum: cluster '${c.context}' (${c.server}): ${result.stats.files} objects of ${c.listed.length} resource types scanned` +
            (c.managedSkipped ? `, ${c.managedSkipped} managed by a scanned controller skipped` : '') +
            (result.errors.length ? `, ${result.errors.length} could not be read (see errors)` : '') +
            '\n',
        );
      };
      const { scanCluster, scanClusterStreamed } = await import('../scan-cluster.js');
      const { connect, ClusterConfigError } = await import('../sources/cluster/kubeconfig.js');
      let conn;
      try {
        conn = connect({
          kubeconfig: flags.kubeconfig === undefined ? undefined : resolve(cwd, flags.kubeconfig),
          context: flags.context,
          cwd,
        });
      } catch (e) {
        if (e instanceof ClusterConfigError) throw new ScanSetupError(e.message);
        throw e;
      }
      if (!flags.quiet) for (const w of conn.warnings) io.stderr.write(`sanctum: warning: ${w}\n`);
      let ran: readonly AnyRule[] = getRegistry().rules;
      const kubernetes = kubernetesFactsFor(flags);
      const options = {
        connection: conn,
        namespaces: flags.namespace,
        pageSize,
        requestTimeoutMs: requestTimeout * 1000,
        cwd,
        ...reportOptionsFrom(flags, cwd),
        onRules: (r: readonly AnyRule[]) => (ran = r),
        onSet: kubernetes && ((doc: ScanDocument) => kubernetes.add(doc)),
      };
      // An upload needs the findings in memory: it takes the path below.
      if (!flags.quiet && !flags.upload && formats.every((f) => f === 'json')) {
        // Findings go to a temporary file as objects finish: memory does not grow with them.
        const streamed = await scanClusterStreamed(options);
        try {
          summarize(streamed.result);
          for (const [i] of formats.entries()) {
            const out = files[i];
            streamReport(out === undefined ? undefined : resolve(cwd, out), io.stdout, (sink) => streamed.writeJson(sink), out);
          }
        } finally {
          streamed.dispose();
        }
        const base = exitCodeFor(streamed.result, failOn, Boolean(flags.failOnError));
        setExitCode(base === 0 && failOn !== 'none' && streamed.failsAt(failOn) ? 1 : base);
        return;
      }
      const result = await scanCluster(options);
      if (!flags.quiet) summarize(result);
      const shown = flags.quiet
        ? {
            ...result,
            findings: result.findings.filter(
              (f) => f.status === 'fail' && (failOn === 'none' || severityRank(f.severity) >= severityRank(failOn)),
            ),
          }
        : result;
      let applyFailed = false;
      for (const [i, format] of formats.entries()) {
        let text: string;
        if (format === 'policyreport') {
          const { policyReportReporter, policyReports } = await import('../reporters/policyreport.js');
          text = policyReportReporter(shown);
          if (flags.apply) {
            const { POLICY_REPORT_KINDS } = await import('../reporters/policyreport.js');
            const { applyObjects, pruneStale } = await import('../sources/cluster/apply.js');
            const reports = policyReports(shown);
            const outcome = await applyObjects(
              conn,
              reports,
              (kind) => POLICY_REPORT_KINDS.find((k) => k.type.kind === kind)!.type.resource,
            );
            for (const e of outcome.errors) io.stderr.write(`sanctum: ${e}\n`);
            // Reports of earlier scans that this one did not write again go, once every new one is written.
            const pruned =
              outcome.errors.length === 0
                ? await pruneStale(conn, reports, POLICY_REPORT_KINDS, flags.namespace)
                : { deleted: [], errors: [] };
            for (const e of pruned.errors) io.stderr.write(`sanctum: ${e}\n`);
            if (!flags.quiet)
              io.stderr.write(
                `sanctum: wrote ${outcome.applied.length} Policy Report${outcome.applied.length === 1 ? '' : 's'} to the cluster` +
                  (pruned.deleted.length ? `, deleted ${pruned.deleted.length} stale one${pruned.deleted.length === 1 ? '' : 's'}` : '') +
                  '\n',
              );
            applyFailed ||= outcome.errors.length > 0 || pruned.errors.length > 0;
          }
        } else {
          const color = files[i] === undefined && flags.color && !('NO_COLOR' in process.env) && Boolean(io.stdout.isTTY);
          text = reporters[format](shown, {
            rules: ran,
            lookup: (k) => getRegistry().get(k),
            failOn,
            color,
            showSuppressed: flags.showSuppressed,
          });
        }
        const file = files[i];
        if (file !== undefined) writeOutputFile(resolve(cwd, file), text, file);
        else io.stdout.write(text);
      }
      await uploadIfAsked(result, flags, {
        targets: [],
        cwd,
        kind: 'cluster',
        stderr: io.stderr,
        quiet: flags.quiet,
        withInventory: false,
        target: clusterTargetName(result.cluster),
        kubernetes,
      });
      setExitCode(applyFailed ? 2 : exitCodeFor(result, failOn, Boolean(flags.failOnError)));
    });
}
