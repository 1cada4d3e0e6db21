// An S3-compatible server (s3rver) for the one-machine production topology: `node --openssl-legacy-provider
// scripts/s3-server.cjs <dir> <port> <bucket>`. The legacy provider is needed because s3rver 3.7 encrypts
// listing continuation tokens with DES, which OpenSSL 3 refuses otherwise.
const S3rver = require('s3rver');
const [dir, port, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: Number(port), directory: dir, silent: true, configureBuckets: [{ name: bucket }] });
server.run().then(
  (addr) => console.error(`s3-server: listening on http://127.0.0.1:${addr.port}, bucket ${bucket}, data in ${dir}`),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => server.close().finally(() => process.exit(0)));
