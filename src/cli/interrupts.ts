import { removeHeldTempDirs } from '../core/temp-dirs.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * SIGINT (Ctrl-C) and SIGTERM during a CLI command that reads images: the temporary directories held
 * then (spooled layer files) are removed and the process ends as the signal would have ended it (exit
 * status 128 + its number). Installed by the command, for the whole command; the library (`scanImage`,
 * `inventoryImages`) installs no listener, so a program that calls it keeps its own signal behaviour.
 *
 * A signal that comes during synchronous work (scanning) waits in libuv's signal pipe until the event
 * loop polls: `settle` lets it poll before the report is written, so that an interrupted command writes
 * no report (a report after Ctrl-C, whole or in part, would read as the scan's outcome in CI). Two `setImmediate`: called from an I/O callback (the poll phase), the first runs in that
 * same turn's check phase, before the next poll; the second runs after it.
 */
export class Interrupts {
  private listening = true;
  private readonly stop = (signal: NodeJS.Signals): void => {
    this.unlisten();
    removeHeldTempDirs();
    process.kill(process.pid, signal);
  };

  constructor() {
    process.on('SIGINT', this.stop);
    process.on('SIGTERM', this.stop);
  }

  /** Resolves once the event loop has read a signal caught so far; a signal ends the process before that. */
  async settle(): Promise<void> {
    await turn();
    await turn();
  }

  /** Removes the listeners, once a signal caught during the command's last synchronous work is handled. */
  async end(): Promise<void> {
    await this.settle();
    this.unlisten();
  }

  private unlisten(): void {
    if (!this.listening) return;
    this.listening = false;
    process.off('SIGINT', this.stop);
    process.off('SIGTERM', this.stop);
  }
}
