import type { AdmissionEvaluator } from '../server/webhook/admission-evaluator.js';
import { startWebhookServer, type WebhookServer, type WebhookServerOptions } from '../server/webhook/server.js';
import type { TlsFiles } from './tls-files.js';

/** The webhook on a free loopback port with `tls`'s certificate and no logger, unless `options` say otherwise. */
export function startLoopbackWebhook(
  tls: TlsFiles,
  evaluator: AdmissionEvaluator,
  options: Partial<Omit<WebhookServerOptions, 'tlsCert' | 'tlsKey' | 'evaluator'>> = {},
): Promise<WebhookServer> {
  return startWebhookServer({
    tlsCert: tls.certPath,
    tlsKey: tls.keyPath,
    host: '127.0.0.1',
    port: 0,
    evaluator,
    logger: false,
    ...options,
  });
}
