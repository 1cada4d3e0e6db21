// Secrets from AWS Secrets Manager, resolved into the environment once at start-up, before the configuration is
// validated (env.ts): so a secret never sits in a template, a user-data script or a file, and the app reads one
// kind of configuration. Two sources, both optional:
//   DATABASE_SECRET_ARN  the RDS-generated secret ({ username, password, host, port, dbname }) → DATABASE_URL, with
//                        TLS verified (sslmode=verify-full; DATABASE_CA_FILE adds the RDS CA bundle on EC2; Lambda's
//                        Node runtimes trust it with NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem).
//                        DATABASE_HOST / DATABASE_PORT / DATABASE_NAME override the secret's fields.
//   VITRINE_SECRETS_ARN  a JSON object of configuration names to values (STRIPE_SECRET_KEY, SMTP_URL,
//                        METRICS_TOKEN, UPLOAD_SIGNING_KEY…); only names the app reads are taken.
// A variable already set in the environment wins: an operator can always override a secret.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CONFIG_KEYS, ConfigError } from './env.ts';

export interface SecretSource {
  /** The secret's string value. */
  get(arn: string): Promise<string>;
}

/** The SDK is loaded only when a secret is configured: most commands, and every local run, never need it. */
export function secretsManager(client?: SecretsManagerClient, region?: string): SecretSource {
  return {
    async get(arn) {
      const sdk = await import('@aws-sdk/client-secrets-manager');
      client ??= new sdk.SecretsManagerClient(region ? { region } : {});
      const out = await client.send(new sdk.GetSecretValueCommand({ SecretId: arn }));
      if (typeof out.SecretString !== 'string') throw new ConfigError(`Invalid configuration:\n  ${arn}: the secret has no string value`);
      return out.SecretString;
    },
  };
}

/** Adds what the named secrets hold to `env` (in place) and returns the names it set. No ARN set: does nothing. */
export async function resolveSecrets(env: NodeJS.ProcessEnv, source?: SecretSource): Promise<string[]> {
  const set: string[] = [];
  const put = (name: string, value: string): void => {
    if (env[name] !== undefined && env[name] !== '') return; // the environment wins
    env[name] = value;
    set.push(name);
  };
  const arns = [env.DATABASE_SECRET_ARN, env.VITRINE_SECRETS_ARN].filter((a): a is string => !!a);
  if (arns.length === 0) return set;
  const src = source ?? secretsManager(undefined, env.AWS_REGION);

  if (env.VITRINE_SECRETS_ARN) {
    const values = parse(env.VITRINE_SECRETS_ARN, await src.get(env.VITRINE_SECRETS_ARN));
    for (const [name, value] of Object.entries(values)) {
      if (!CONFIG_KEYS.includes(name)) throw new ConfigError(`Invalid configuration:\n  VITRINE_SECRETS_ARN: holds ${name}, which is not a setting the app reads`);
      if (typeof value !== 'string') throw new ConfigError(`Invalid configuration:\n  VITRINE_SECRETS_ARN: ${name} must be a string`);
      put(name, value);
    }
  }
  if (env.DATABASE_SECRET_ARN && !env.DATABASE_URL) {
    const s = parse(env.DATABASE_SECRET_ARN, await src.get(env.DATABASE_SECRET_ARN)) as Record<string, unknown>;
    const host = env.DATABASE_HOST || s.host;
    const port = env.DATABASE_PORT || s.port || 5432;
    const name = env.DATABASE_NAME || s.dbname || 'postgres';
    if (typeof s.username !== 'string' || typeof s.password !== 'string' || typeof host !== 'string') {
      throw new ConfigError('Invalid configuration:\n  DATABASE_SECRET_ARN: the secret needs username and password (and host, unless DATABASE_HOST is set)');
    }
    const ca = env.DATABASE_CA_FILE ? `&sslrootcert=${encodeURIComponent(env.DATABASE_CA_FILE)}` : '';
    put('DATABASE_URL', `postgres://${encodeURIComponent(s.username)}:${encodeURIComponent(s.password)}@${host}:${String(port)}/${encodeURIComponent(String(name))}?sslmode=verify-full${ca}`);
  }
  return set;
}

function parse(arn: string, text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below, without the secret's text
  }
  throw new ConfigError(`Invalid configuration:\n  ${arn}: the secret is not a JSON object`);
}
