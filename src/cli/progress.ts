// A progress bar on a terminal; plain log lines when output goes to a file or CI (bars would garble it).
import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';

// Loaded on a bar's first update: `vitrine start` asks for a bar but draws one only when it seeds.
const require = createRequire(import.meta.url);

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

export function progress(title: string): Progress {
  if (!process.stderr.isTTY) {
    let last = -1;
    return {
      update(done, total) {
        const pct = Math.floor((done / total) * 10);
        if (pct !== last) {
          last = pct;
          process.stderr.write(`${title}: ${done}/${total}\n`);
        }
      },
      stop() {},
    };
  }
  let bar: SingleBar | undefined;
  return {
    update(done, total, label) {
      if (!bar) {
        const cliProgress = require('cli-progress') as typeof import('cli-progress');
        bar = new cliProgress.SingleBar(
          { format: `${title} [{bar}] {value}/{total} {label}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { label: '' });
      }
      bar.setTotal(total);
      bar.update(done, { label });
    },
    stop() {
      bar?.stop();
    },
  };
}
