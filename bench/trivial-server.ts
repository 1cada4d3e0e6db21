// The baseline: a bare node:http server answering fixed bytes per path, with the same headers the API sends.
// Whatever Vitrine does per request beyond this is overhead the benchmark's ratio makes visible.
import http from 'node:http';

const routes = new Map<string, { headers: Record<string, string>; body: Buffer }>();
process.on('message', (msg: { path: string; headers: Record<string, string>; body: string }) => {
  routes.set(msg.path, { headers: msg.headers, body: Buffer.from(msg.body, 'base64') });
});

const server = http.createServer((req, res) => {
  const r = routes.get(req.url ?? '');
  if (!r) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { ...r.headers, 'content-length': r.body.length });
  res.end(r.body);
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
