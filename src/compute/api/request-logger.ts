// Each request's logger, made on first use. Fastify gives every request a pino child bound to its request id, and
// pino serialises (and redacts) those bindings when the child is made: about 3 % of a cached catalog read
// (npm run bench:catalog), for a logger most requests never write to, since the access line is the only line a
// successful request logs and LOG_LEVEL=warn skips it. Below the level, a call costs one comparison and makes
// nothing; the first call at or above it makes the real child, which then serves every later call.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilent } from 'pino';

const RANK: Record<LevelWithSilent, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
type Method = Exclude<LevelWithSilent, 'silent'>;
// pino's log functions take (object | message, ...values) in several overloads; forwarded as they came.
type Forward = (...args: unknown[]) => void;

class LazyChildLogger {
  #real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.#real?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  silent(): void {}

  real(): FastifyBaseLogger {
    return (this.#real ??= this.parent.child(this.bindings, this.options));
  }

  write(method: Method, args: unknown[]): void {
    if (RANK[method] < (RANK[this.level as LevelWithSilent] ?? 0)) return;
    (this.real()[method] as Forward)(...args);
  }
}

for (const method of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
  Object.defineProperty(LazyChildLogger.prototype, method, {
    value(this: LazyChildLogger, ...args: unknown[]) {
      this.write(method, args);
    },
  });
}

/** Fastify's `childLoggerFactory`: the request's logger, made by pino only when something is logged. */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  // The log methods are defined on the prototype just above; the class cannot declare them with pino's overloads.
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
