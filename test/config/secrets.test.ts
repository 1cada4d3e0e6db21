// Secrets from AWS Secrets Manager into the configuration. No Secrets Manager can run here: the SDK client is real
// and the test answers at its boundary (the command and its input are what would go to AWS), as the SQS tests do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../../src/config/env.ts';
import { resolveSecrets, secretsManager } from '../../src/config/secrets.ts';

const DB_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:vitrine-db-AbCdEf';
const APP_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:vitrine-app-GhIjKl';

function answering(secrets: Record<string, string>) {
  const client = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const asked: { command: string; input: Record<string, unknown> }[] = [];
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const input = args.input as { SecretId: string };
      asked.push({ command: String(context.commandName), input });
      return { output: { $metadata: {}, ARN: input.SecretId, SecretString: secrets[input.SecretId] }, response: {} };
    },
    { step: 'initialize', name: 'answer' },
  );
  return { source: secretsManager(client), asked };
}

describe('secrets from Secrets Manager', () => {
  it('composes DATABASE_URL from the RDS secret with TLS verified, escaping the password', async () => {
    const { source, asked } = answering({ [DB_ARN]: JSON.stringify({ username: 'vitrine', password: 'p@ss/w:rd?', host: 'db.internal', port: 5432, dbname: 'shop', engine: 'postgres' }) });
    const env: NodeJS.ProcessEnv = { DATABASE_SECRET_ARN: DB_ARN, DATABASE_NAME: 'vitrine', DATABASE_CA_FILE: '/opt/vitrine/rds-ca.pem' };
    assert.deepEqual(await resolveSecrets(env, source), ['DATABASE_URL']);
    assert.deepEqual(asked, [{ command: 'GetSecretValueCommand', input: { SecretId: DB_ARN } }]);
    assert.equal(env.DATABASE_URL, 'postgres://vitrine:p%40ss%2Fw%3Ard%3F@db.internal:5432/vitrine?sslmode=verify-full&sslrootcert=%2Fopt%2Fvitrine%2Frds-ca.pem');
    const config = loadConfig(env);
    assert.equal(config.DATABASE_URL, env.DATABASE_URL);
  });

  it('takes app settings from a JSON secret, lets the environment win, and refuses names the app does not read', async () => {
    const { source } = answering({ [APP_ARN]: JSON.stringify({ SMTP_URL: 'smtps://u:p@email-smtp.us-east-1.amazonaws.com:465', METRICS_TOKEN: 'from-the-secret-0123456789' }) });
    const env: NodeJS.ProcessEnv = { VITRINE_SECRETS_ARN: APP_ARN, METRICS_TOKEN: 'set-by-the-operator-0123456789' };
    assert.deepEqual(await resolveSecrets(env, source), ['SMTP_URL']);
    assert.equal(env.METRICS_TOKEN, 'set-by-the-operator-0123456789', 'the environment wins');
    const bad = answering({ [APP_ARN]: JSON.stringify({ AWS_SECRET_ACCESS_KEY: 'nope' }) });
    await assert.rejects(resolveSecrets({ VITRINE_SECRETS_ARN: APP_ARN }, bad.source), /holds AWS_SECRET_ACCESS_KEY, which is not a setting the app reads/);
  });

  it('says what is wrong without printing the secret', async () => {
    const { source } = answering({ [DB_ARN]: 'hunter2-not-json', [APP_ARN]: JSON.stringify({ username: 'u' }) });
    const err = await resolveSecrets({ DATABASE_SECRET_ARN: DB_ARN }, source).catch((e: unknown) => e as Error);
    assert.match(String(err), /the secret is not a JSON object/);
    assert.doesNotMatch(String(err), /hunter2/);
    await assert.rejects(resolveSecrets({ DATABASE_SECRET_ARN: APP_ARN }, source), /needs username and password/);
  });

  it('does nothing, and asks nothing, when no secret is configured', async () => {
    const { source, asked } = answering({});
    assert.deepEqual(await resolveSecrets({ PORT: '3000' }, source), []);
    assert.deepEqual(asked, []);
  });
});
