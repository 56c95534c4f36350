import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyRequestLogger } from './request-logger.js';

function logger(): { log: FastifyBaseLogger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return {
    log: pino({ level: 'debug', base: { name: 'sanctum-gateway' }, timestamp: false }, stream) as unknown as FastifyBaseLogger,
    lines,
  };
}

describe('lazyRequestLogger', () => {
  it('makes the child only when something logs through it', () => {
    const { log } = logger();
    let children = 0;
    const parent = { ...log, child: (...a: Parameters<FastifyBaseLogger['child']>) => (children++, log.child(...a)) } as FastifyBaseLogger;
    const lazy = lazyRequestLogger(parent, { reqId: 'req-1' }, {});
    expect(children).toBe(0);
    lazy.info('one');
    lazy.warn('two');
    expect(children).toBe(1);
  });

  it('writes what the child Fastify would make writes, at its level', async () => {
    const eager = logger();
    const lazy = logger();
    const err = new Error('boom');
    const say = (l: FastifyBaseLogger): void => {
      l.info('plain');
      l.error({ err, url: '/v1/x' }, 'failed %s', 'here');
      l.debug('debug');
      l.trace('not at this level');
      l.child({ sub: 1 }).warn('from a child');
      l.level = 'error';
      l.info('no longer');
      l.fatal('fatal');
    };
    say(eager.log.child({ reqId: 'req-7' }, {}));
    say(lazyRequestLogger(lazy.log, { reqId: 'req-7' }, {}));
    await new Promise((r) => setImmediate(r));
    expect(lazy.lines.length).toBe(5);
    expect(lazy.lines).toEqual(eager.lines);
  });
});
