// One access-log line per request (Fastify's default is two), with what an operator filters on in CloudWatch
// Logs Insights: request id, method, route pattern, status and duration. Health checks log only when they fail.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** Query values that grant access (a reset link's token) never reach a log line. */
export function redactQuery(url: string): string {
  return url.replace(/([?&](?:token|code|key|password|secret)=)[^&#]*/gi, '$1[redacted]');
}

/** Levels at which the access line (info) is not written: its object and URL redaction are not even made. */
const INFO_SKIPPED = new Set(['warn', 'error', 'fatal', 'silent']);

export class AccessLog extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const route = req.routeOptions.url;
    const status = reply.statusCode;
    const failed = Boolean(error) || status >= 500;
    if (!failed && (INFO_SKIPPED.has(req.log.level) || ((route === '/healthz' || route === '/readyz') && status < 400))) return;
    const url = redactQuery(req.url);
    const line = {
      method: req.method,
      url: url.length > 512 ? `${url.slice(0, 512)}…` : url,
      route: route ?? null,
      status,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (failed) req.log.error({ ...line, err: error }, 'request failed');
    else req.log.info(line, 'request');
  }
}
