import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryAuditLog } from '../audit.js';
import { loadGatewayConfig } from '../config.js';
import type { Guardrails } from '../guard.js';
import { startGateway, type GatewayServer } from '../server.js';

export interface TestGateway {
  gateway: GatewayServer;
  audit: ReturnType<typeof memoryAuditLog>;
  dir: string;
  configPath: string;
  /** Rewrites the configuration file and reloads it. */
  rewrite(yaml: string): void;
  /** Reloads the configuration file as it is now. */
  reload(): void;
  close(): Promise<void>;
}

/** A gateway on 127.0.0.1:0 over a configuration written to a temporary directory, auditing into memory. */
export async function startTestGateway(
  yaml: string,
  opts: { env?: NodeJS.ProcessEnv; now?: () => number; guardrails?: Guardrails; files?: Record<string, string> } = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'sanctum-gateway-test-'));
  const configPath = join(dir, 'gateway.yaml');
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
  writeFileSync(configPath, yaml);
  const audit = memoryAuditLog();
  const env = opts.env ?? {};
  const gateway = await startGateway({
    config: loadGatewayConfig(configPath, env),
    audit,
    logger: false,
    now: opts.now,
    guardrails: opts.guardrails,
    host: '127.0.0.1',
    port: 0,
  });
  return {
    gateway,
    audit,
    dir,
    configPath,
    rewrite(text) {
      writeFileSync(configPath, text);
      gateway.reload(loadGatewayConfig(configPath, env));
    },
    reload() {
      gateway.reload(loadGatewayConfig(configPath, env));
    },
    async close() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
