import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatefulStack, statefulResources } from '#infra/stateful-stack';
import { StatelessStack } from '#infra/stateless-stack';
import { isPublicRoute, routeList, routes, type AnyRoute } from '#shared/routes';

const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

/** Every acknowledgement in the tree: where it sits, which finding, why. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string; scope: IConstruct }[] {
  return root.node.findAll().flatMap((scope) =>
    scope.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: scope.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
          scope,
        })),
      ),
  );
}

/** The application's route table, and the same with one route made a GitHub webhook (until the real one lands). */
const SIGNED_ROUTE: AnyRoute = { ...routes.openapi, auth: 'github-signature', permissions: ['github:webhook-secret'] };
const ROUTE_TABLES = [
  ['the application\'s route table', routeList, {}],
  ['a route table with a github-signature route', routeList.map((r) => (r.id === SIGNED_ROUTE.id ? SIGNED_ROUTE : r)), {}],
  // The optional auto-distribution function and rule, deployed only with this context.
  ['the application\'s route table and -c distributionScheduleMinutes=30', routeList, { distributionScheduleMinutes: 30 }],
] as const;

describe.each(ROUTE_TABLES)('Class: AwsSolutionsChecks (cdk-nag 3) on the whole app, with %s', (_table, routeTable: readonly AnyRoute[], context: Record<string, unknown>) => {
  let app: App;
  let stacks: Stack[];
  let plugin: AwsSolutionsChecks;
  let outdir: string;
  let synthError: unknown;

  beforeAll(() => {
    // Prepare: the app as `npm run synth` builds it (cdk.json flags, built-in template validation on, the nag plugin), bundling skipped.
    outdir = mkdtempSync(join(tmpdir(), 'orchestrator-nag-'));
    app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context }, outdir, stackTraces: false });
    const stateful = new StatefulStack(app, 'ChannelOrchestratorStateful');
    const stateless = new StatelessStack(app, 'ChannelOrchestratorStateless', { ...statefulResources(stateful), routes: routeTable });
    stacks = [stateful, stateless];
    plugin = new AwsSolutionsChecks(app);
    Validations.of(app).addPlugins(plugin);
    // Act: a finding the code does not acknowledge fails the synth, with the report as the message.
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes with no unacknowledged finding', () => {
    expect(synthError).toBeUndefined();
    const report = plugin.validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('leaves no warning or error annotation on either stack', () => {
    for (const stack of stacks) {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    }
  });

  it('acknowledges only these findings, each next to its resource with a reason', () => {
    const found = acknowledgements(app);
    expect(new Set(found.map((a) => a.id.replace(/schedule\/[^/]+\/\*/, 'schedule/<group>/*')))).toEqual(
      new Set([
        'AwsSolutions-SQS3',
        // The two GitHub secrets: no Lambda rotation (the token is GitHub's, the webhook secret must match GitHub's settings).
        'AwsSolutions-SMG4',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<group>/*]',
        // A route with no authorizer: only when one checks a GitHub signature itself.
        ...(routeTable.some(isPublicRoute) ? ['AwsSolutions-APIG4'] : []),
      ]),
    );
    for (const acknowledgement of found) {
      // Never blanket: not on the app, not on a stack.
      expect(Stack.isStack(acknowledgement.scope) || acknowledgement.scope === app).toBe(false);
      expect(acknowledgement.reason.length).toBeGreaterThan(60);
    }
  });

  it('acknowledges missing rotation on the two GitHub secrets only, and no authorizer only on github-signature routes', () => {
    const found = acknowledgements(app);
    expect(found.filter((a) => a.id === 'AwsSolutions-SMG4').map((a) => a.path).sort()).toEqual([
      'ChannelOrchestratorStateful/GithubTokenSecret',
      'ChannelOrchestratorStateful/GithubWebhookSecret',
    ]);
    const signedPaths = routeTable.filter(isPublicRoute).map((r) => `ChannelOrchestratorStateless/HttpApi/${r.method}--api--orchestration${r.path.replace(/\//g, '--')}`);
    expect(found.filter((a) => a.id === 'AwsSolutions-APIG4').map((a) => a.path).sort()).toEqual(signedPaths.sort());
  });
});
