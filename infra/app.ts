import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack, statefulResources } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

/**
 * The CDK app (cdk.json runs it with tsx). Stacks are environment-agnostic, so
 * `npm run synth` needs no AWS credentials; `cdk deploy` targets the caller's
 * account and region. cdk-nag's AwsSolutions pack checks every template: an
 * unacknowledged finding fails the synth. Authorizer: IAM by default, or
 * `-c authorizer=jwt -c jwtIssuer=https://... -c jwtAudience=...`; `-c console=true` adds
 * the web console (a nested stack of the stateless one: Cognito user pool,
 * S3 and CloudFront) and authorizes the API with its pool. Other context
 * keys (retention, alarm topic, dispatch concurrency, GitHub pacing and API
 * URL): docs/operations.md, "Deploying".
 */
const app = new App();

const data = new StatefulStack(app, 'ChannelOrchestratorStateful', {
  description: 'Channel Orchestrator: table, pipeline-trigger and processing queues, dead-letter queues, schedule group, GitHub secrets (retained data)',
});

new StatelessStack(app, 'ChannelOrchestratorStateless', {
  description: 'Channel Orchestrator: HTTP API, functions, schedules, alarms',
  ...statefulResources(data),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
