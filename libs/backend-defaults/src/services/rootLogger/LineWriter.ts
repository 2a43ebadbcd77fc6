import fs from 'node:fs';

/** Options of {@link LineWriter.create}. @internal */
export interface LineWriterOptions {
  /** The file descriptor lines go to; 1 (standard output) by default. */
  fd?: number;
  /** Buffered lines are written at the latest this long after the first of them. */
  flushIntervalMs?: number;
  /** A backlog this large is written at once, without waiting for the timer. */
  flushBytes?: number;
  /** Above this backlog the writer waits for the destination (blocking), so memory stays bounded. */
  maxBacklogBytes?: number;
}

const FLUSH_INTERVAL_MS = 20;
const FLUSH_BYTES = 64 * 1024;
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
// While the destination is full, try again this often (a pipe whose reader is slow).
const RETRY_MS = 5;
const live = new Set<LineWriter>();
const waitCell = new Int32Array(new SharedArrayBuffer(4));
let exitHookInstalled = false;

/**
 * A buffered, asynchronous destination for whole log lines. Lines collect in memory and go out in
 * one `write` per flush: on a short timer, when the backlog reaches `flushBytes`, and at process
 * exit. A destination that cannot take more (a pipe whose reader is slow; Node keeps standard
 * output pipes non-blocking) never blocks the event loop: the rest stays in the backlog and is
 * tried again shortly. Only a backlog above `maxBacklogBytes` is written synchronously, waiting
 * for the reader, so memory stays bounded and no line is ever dropped. Every write ends at a line
 * end of ours, so lines never interleave with each other.
 *
 * @internal
 */
export class LineWriter {
  readonly #fd: number;
  readonly #flushIntervalMs: number;
  readonly #flushBytes: number;
  readonly #maxBacklogBytes: number;
  #pending: string[] = [];
  #pendingBytes = 0;
  /** The unwritten tail of a partial write, written before anything newer. */
  #rest?: Buffer;
  #timer?: NodeJS.Timeout;

  private constructor(options: Required<LineWriterOptions>) {
    this.#fd = options.fd;
    this.#flushIntervalMs = options.flushIntervalMs;
    this.#flushBytes = options.flushBytes;
    this.#maxBacklogBytes = options.maxBacklogBytes;
  }

  static create(options: LineWriterOptions = {}): LineWriter {
    const fd = options.fd ?? 1;
    if (fd === 1) {
      // Node opens a pipe on standard output in non-blocking mode when process.stdout is first
      // used; do it now so that a slow reader makes writes fail with EAGAIN instead of blocking.
      void process.stdout.writable;
    }
    const writer = new LineWriter({
      fd,
      flushIntervalMs: options.flushIntervalMs ?? FLUSH_INTERVAL_MS,
      flushBytes: options.flushBytes ?? FLUSH_BYTES,
      maxBacklogBytes: options.maxBacklogBytes ?? MAX_BACKLOG_BYTES,
    });
    live.add(writer);
    installExitHook();
    return writer;
  }

  /** Queues one line; `line` must not contain a line end, the writer adds it. */
  write(line: string): void {
    this.#pending.push(line, '\n');
    this.#pendingBytes += line.length + 1;
    if (this.#pendingBytes >= this.#flushBytes) {
      this.flush();
    } else {
      this.#timer ??= setTimeout(this.#onTimer, this.#flushIntervalMs).unref();
    }
  }

  /** Bytes not yet handed to the destination (string lengths: an estimate for non-ASCII text). */
  get backlogBytes(): number {
    return this.#pendingBytes + (this.#rest?.length ?? 0);
  }

  /** Writes what the destination takes now without blocking; retries the rest on a timer. */
  flush(): void {
    this.#clearTimer();
    if (!this.#writeAvailable()) {
      if (this.backlogBytes > this.#maxBacklogBytes) {
        this.flushSync();
      } else {
        this.#timer = setTimeout(this.#onTimer, RETRY_MS).unref();
      }
    }
  }

  /** Writes everything, waiting for the destination if it is full (at exit, or above the cap). */
  flushSync(): void {
    this.#clearTimer();
    while (!this.#writeAvailable()) {
      Atomics.wait(waitCell, 0, 0, RETRY_MS);
    }
  }

  /** Writes everything and stops (lines written later are still written, at process exit at the latest). */
  close(): void {
    this.flushSync();
    live.delete(this);
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.flush();
  };

  #clearTimer(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Writes as much as the destination takes now; true when nothing is left. */
  #writeAvailable(): boolean {
    for (;;) {
      if (!this.#rest) {
        if (this.#pending.length === 0) {
          return true;
        }
        this.#rest = Buffer.from(this.#pending.join(''), 'utf8');
        this.#pending = [];
        this.#pendingBytes = 0;
      }
      const written = writeSome(this.#fd, this.#rest);
      if (written === this.#rest.length) {
        this.#rest = undefined;
      } else {
        this.#rest = this.#rest.subarray(written);
        return false;
      }
    }
  }
}

/** Bytes written; 0 when the destination is full right now. */
function writeSome(fd: number, buffer: Buffer): number {
  try {
    return fs.writeSync(fd, buffer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
      return 0;
    }
    // A closed destination (EPIPE, EBADF): nobody can read the lines any more.
    return buffer.length;
  }
}

/** Lines still buffered when the process exits (process.exit, end of the event loop) are written. */
function installExitHook(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const writer of live) {
        writer.flushSync();
      }
    });
  }
}
