// Rebuilds the search index (populate leaves it incomplete): runs the server with its job queue in one process,
// asks the Admin API for a full reindex and waits for the job.
const { bootstrap, JobQueueService } = require('@vendure/core');
const { config, adminPassword } = require('./vendure-config');

const port = config.apiOptions.port;
const gql = async (query, token) => {
  const r = await fetch(`http://127.0.0.1:${port}/admin-api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) },
    body: JSON.stringify({ query }),
  });
  return { body: await r.json(), token: r.headers.get('vendure-auth-token') };
};
(async () => {
  const app = await bootstrap(config);
  await app.get(JobQueueService).start();
  const login = await gql(`mutation { login(username:"superadmin", password:${JSON.stringify(adminPassword)}) { __typename } }`);
  if (!login.token) throw new Error('login failed: ' + JSON.stringify(login.body));
  const job = await gql('mutation { reindex { id state } }', login.token);
  const id = job.body.data.reindex.id;
  let state;
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    state = (await gql(`{ job(jobId:"${id}") { state progress } }`, login.token)).body.data.job;
    if (state.state === 'COMPLETED' || state.state === 'FAILED') break;
  }
  console.log('reindex job', JSON.stringify(state));
  await app.close();
  process.exit(state && state.state === 'COMPLETED' ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
