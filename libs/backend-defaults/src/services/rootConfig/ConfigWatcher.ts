import fs from 'node:fs';

const DEBOUNCE_MS = 100;

/**
 * Watches config files while anyone subscribes; on a change it asks `reload` and, when the new
 * config was valid, tells the subscribers. Watchers never keep the process alive.
 */
export class ConfigWatcher {
  readonly #files: string[];
  readonly #reload: () => boolean;
  readonly #subscribers = new Set<() => void>();
  #watchers: fs.FSWatcher[] = [];
  #timer?: NodeJS.Timeout;

  constructor(files: string[], reload: () => boolean) {
    this.#files = files;
    this.#reload = reload;
  }

  subscribe(onChange: () => void): { unsubscribe(): void } {
    this.#subscribers.add(onChange);
    if (this.#watchers.length === 0) {
      this.#watchers = this.#files.map((file) => fs.watch(file, { persistent: false }, () => this.#schedule()));
    }
    return {
      unsubscribe: () => {
        this.#subscribers.delete(onChange);
        if (this.#subscribers.size === 0) {
          this.#close();
        }
      },
    };
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#reload()) {
        for (const subscriber of this.#subscribers) {
          subscriber();
        }
      }
    }, DEBOUNCE_MS);
    this.#timer.unref();
  }

  #close(): void {
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers) {
      watcher.close();
    }
    this.#watchers = [];
  }
}
