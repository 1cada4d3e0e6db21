// `cdk synth -c stage=<name>`: the stacks of one stage (cdk.json's `vitrine:stages`; default dev).
import { App } from 'aws-cdk-lib';
import { addChecks, buildStage } from '../lib/app.ts';
import { applyDeployOptions, parseStage } from '../lib/stage.ts';

const app = new App();
const stageName = String(app.node.tryGetContext('stage') ?? 'dev');
const release = app.node.tryGetContext('release') as string | undefined;
const stage = applyDeployOptions(parseStage(app.node.tryGetContext('vitrine:stages'), stageName), {
  ...(release ? { release: String(release) } : {}),
  firstDeploy: String(app.node.tryGetContext('firstDeploy')) === 'true',
});
// The account is resolved at deploy time unless given (-c account=… or the CLI's CDK_DEFAULT_ACCOUNT).
const account = (app.node.tryGetContext('account') as string | undefined) ?? process.env.CDK_DEFAULT_ACCOUNT;
buildStage(app, stage, account);
addChecks(app);
app.synth();
