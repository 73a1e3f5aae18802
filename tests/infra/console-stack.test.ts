import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '../../console/src/config';
import { API_SCOPE } from '#infra/console-stack';
import { ConsoleLocalBundling } from '#infra/constructs/console-bundling';
import { consoleCustomDomainFrom, consoleDomainPrefixFrom, consoleEnabledFrom } from '#infra/constructs/context-settings';
import { StatefulStack, statefulResources } from '#infra/stateful-stack';
import { StatelessStack } from '#infra/stateless-stack';
import { routes } from '#shared/routes';

const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

/** CloudFront's managed policies, by id (AWS documentation, "Use managed cache/origin request policies"). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** Both stacks as infra/app.ts wires them, bundling skipped. */
function buildApp(context: Record<string, unknown>, options: { nag?: boolean; outdir?: string } = {}) {
  const app = new App({
    context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
    stackTraces: false,
  });
  const stateful = new StatefulStack(app, 'ChannelOrchestratorStateful');
  const stateless = new StatelessStack(app, 'ChannelOrchestratorStateless', statefulResources(stateful));
  const plugin = options.nag ? new AwsSolutionsChecks(app) : undefined;
  if (plugin) Validations.of(app).addPlugins(plugin);
  return { app, stateful, stateless, plugin };
}

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('Class: ConsoleStack (-c console=true)', () => {
  let outdir: string;
  let app: App;
  let stateless: StatelessStack;
  let plugin: AwsSolutionsChecks;
  let synthError: unknown;
  let parent: Template;
  let nested: Template;
  let nestedResources: Resources;
  let parentResources: Resources;

  beforeAll(() => {
    // Prepare & Act: one synth of the whole app with the console, cdk-nag on, as `npm run synth -- -c console=true` runs it.
    outdir = mkdtempSync(join(tmpdir(), 'orchestrator-console-'));
    ({ app, stateless, plugin } = buildApp({ console: 'true' }, { nag: true, outdir }) as { app: App; stateless: StatelessStack; plugin: AwsSolutionsChecks });
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
    parent = Template.fromStack(stateless);
    nested = Template.fromStack(stateless.console!);
    nestedResources = nested.toJSON().Resources;
    parentResources = parent.toJSON().Resources;
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** `orchestrator/api`, as the template writes it: the resource server's identifier (its Ref), then the scope name. */
  const apiScopeReference = () => {
    const [[serverId, server]] = ofType(nestedResources, 'AWS::Cognito::UserPoolResourceServer') as [[string, Resources[string]]];
    expect(`${server.Properties.Identifier}/api`).toBe(API_SCOPE);
    return { 'Fn::Join': ['', [{ Ref: serverId }, '/api']] };
  };
  const nestedOutput = (logicalIdPrefix: string) =>
    Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^ConsoleNestedStack'), Match.stringLikeRegexp(`^Outputs\\..*${logicalIdPrefix}`)] });

  it('keeps the console bucket private: all public access blocked, TLS only, S3-managed encryption', () => {
    nested.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    nested.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // Origin access control: only this distribution, through CloudFront's service principal, reads the files.
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    nested.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });

  it('serves the console over HTTPS only, index.html at the root, with the security headers on every answer', () => {
    const [[, distribution]] = ofType(nestedResources, 'AWS::CloudFront::Distribution') as [[string, Resources[string]]];
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.Origins.find((o: any) => o.S3OriginConfig)?.OriginAccessControlId).toBeDefined();
    const [[headersId, headers]] = ofType(nestedResources, 'AWS::CloudFront::ResponseHeadersPolicy') as [[string, Resources[string]]];
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: headersId });
    const security = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ReferrerPolicy.ReferrerPolicy).toBe('strict-origin-when-cross-origin');
    const csp = JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of ["default-src 'self'", "connect-src 'self' https://cognito-idp.", "img-src 'self' data:", "frame-ancestors 'none'", '.amazoncognito.com']) {
      expect(csp).toContain(directive);
    }
  });

  it('sends /api/* to the HTTP API uncached, with every method and the viewer headers (Authorization) but the Host', () => {
    const [[, distribution]] = ofType(nestedResources, 'AWS::CloudFront::Distribution') as [[string, Resources[string]]];
    const config = distribution.Properties.DistributionConfig;
    const api = config.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
    });
    const origin = config.Origins.find((o: any) => o.Id === api.TargetOriginId);
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    // The API id comes from the parent stack as a parameter of the nested one.
    expect(JSON.stringify(origin.DomainName)).toMatch(/\{"Ref":"referencetoChannelOrchestratorStatelessHttpApi.*\.execute-api\./);
    parent.hasResourceProperties('AWS::CloudFormation::Stack', {
      Parameters: Match.objectLike({ [Object.keys(nested.toJSON().Parameters).find((p) => p.includes('HttpApi'))!]: { Ref: Match.stringLikeRegexp('^HttpApi') } }),
    });
  });

  it('uploads the console build with a config.json that names the API base and the Cognito sign-in, then invalidates', () => {
    const [[, deployment]] = ofType(nestedResources, 'Custom::CDKBucketDeployment') as [[string, Resources[string]]];
    expect(deployment.Properties.DistributionPaths).toEqual(['/*']);
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(deployment.Properties.SourceMarkers ?? []);
    expect(markers).toContain('UserPoolWebClient');
    expect(JSON.stringify(deployment.Properties)).not.toContain('MachineClient');
  });

  it("writes a config.json the console's own parser accepts: the API base, and Cognito sign-in with the web client", () => {
    // The staged file holds deploy-time markers where the pool and client ids go; the deployment resource maps them.
    const stagedDir = readdirSync(outdir).find((entry) => existsSync(join(outdir, entry, 'config.json')));
    const config = parseConsoleConfig(JSON.parse(readFileSync(join(outdir, stagedDir!, 'config.json'), 'utf8')));
    expect(config.apiBase).toBe('/api/orchestration');
    expect(config.auth).toMatchObject({ kind: 'cognito', scopes: ['openid', 'email', API_SCOPE], redirectPath: '/' });
    const [[, deployment]] = ofType(nestedResources, 'Custom::CDKBucketDeployment') as [[string, Resources[string]]];
    const markers = JSON.stringify(deployment.Properties.SourceMarkers);
    const auth = config.auth as Extract<typeof config.auth, { kind: 'cognito' }>;
    expect(auth.issuer).toMatch(/^https:\/\/cognito-idp\./);
    expect(markers).toMatch(/"Ref":"UserPool[0-9A-F]+"/);
    expect(markers).toMatch(/"Ref":"UserPoolWebClient[0-9A-F]+"/);
  });

  it('creates a user pool operators cannot sign up to, with MFA, a strong password policy, threat protection, retained', () => {
    nested.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true, RequireNumbers: true }) },
      }),
    });
    nested.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'orchestrator',
      Scopes: [Match.objectLike({ ScopeName: 'api' })],
    });
    nested.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('gives the console a public client on the code flow (PKCE, no secret) that returns to the console URL', () => {
    const [[, web]] = ofType(nestedResources, 'AWS::Cognito::UserPoolClient').filter(([, r]) => r.Properties.ClientName === 'console') as [[string, Resources[string]]];
    expect(web.Properties.GenerateSecret ?? false).toBe(false);
    expect(web.Properties.AllowedOAuthFlows).toEqual(['code']);
    expect(web.Properties.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(web.Properties.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'email', apiScopeReference()]));
    expect(web.Properties.SupportedIdentityProviders).toEqual(['COGNITO']);
    const callback = JSON.stringify(web.Properties.CallbackURLs);
    expect(callback).toMatch(/"https:\/\/",\{"Fn::GetAtt":\["Distribution[0-9A-F]+","DomainName"\]\},"\/"/);
    expect(web.Properties.LogoutURLs).toEqual(web.Properties.CallbackURLs);
  });

  it('gives tools a confidential client on the client-credentials flow, limited to the API scope', () => {
    const [[, machine]] = ofType(nestedResources, 'AWS::Cognito::UserPoolClient').filter(([, r]) => r.Properties.ClientName === 'tools') as [[string, Resources[string]]];
    expect(machine.Properties.GenerateSecret).toBe(true);
    expect(machine.Properties.AllowedOAuthFlows).toEqual(['client_credentials']);
    expect(machine.Properties.AllowedOAuthScopes).toEqual([apiScopeReference()]);
    // No user can sign in through it.
    expect(machine.Properties.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it("authorizes the API with the pool: issuer of the pool, audience of both clients' ids, and the API scope on every route", () => {
    parent.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', nestedOutput('UserPool[0-9A-F]+Ref')]] },
        Audience: [nestedOutput('UserPoolWebClient'), nestedOutput('UserPoolMachineClient')],
      },
    });
    const apiRoutes = ofType(parentResources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const webhook = apiRoutes.find((r) => r.RouteKey.endsWith(routes.githubWebhook.path))!;
    expect(webhook).toMatchObject({ AuthorizationType: 'NONE' });
    expect(webhook.AuthorizationScopes).toBeUndefined();
    for (const route of apiRoutes.filter((r) => r !== webhook)) {
      expect(route, route.RouteKey).toMatchObject({ AuthorizationType: 'JWT', AuthorizationScopes: [API_SCOPE] });
    }
  });

  it('outputs the console URL, the pool, both client ids and the token URL', () => {
    const outputs = parent.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ConsoleUrl', 'UserPoolId', 'WebClientId', 'MachineClientId', 'TokenUrl']));
    expect(JSON.stringify(outputs.TokenUrl!.Value)).toMatch(/\.auth\.",\{"Ref":"AWS::Region"\},"\.amazoncognito\.com\/oauth2\/token"/);
  });

  it('passes cdk-nag AwsSolutions with every console finding acknowledged next to its resource, with a reason', () => {
    expect(synthError).toBeUndefined();
    expect(plugin.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    expect(Annotations.fromStack(stateless).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stateless).findError('*', Match.anyValue())).toEqual([]);
    const acknowledged = stateless.console!.node.findAll().flatMap((scope) =>
      scope.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ scope, id, reason }))),
    );
    expect(new Set(acknowledged.map((a) => a.id.replace(/^annotation::/i, '').replace(/\[.*$/, '')))).toEqual(
      new Set(['AwsSolutions-S1', 'AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR3', 'AwsSolutions-CFR4', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-L1']),
    );
    for (const { scope, reason } of acknowledged) {
      expect(Stack.isStack(scope)).toBe(false);
      expect(reason.length).toBeGreaterThan(60);
    }
    // The wildcards acknowledged are the upload handler's alone.
    for (const { scope, id } of acknowledged.filter((a) => a.id.includes('IAM'))) {
      expect(scope.node.id, id).toMatch(/^Custom::CDKBucketDeployment/);
    }
  });
});

describe('Class: ConsoleStack on a custom domain', () => {
  it('serves the console on that name with its us-east-1 certificate, TLS 1.2 at least, and returns operators there', () => {
    // Prepare & Act
    const { stateless } = buildApp({
      console: true,
      consoleDomainName: 'console.example.com',
      consoleCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f2c3e8a-1111-2222-3333-444455556666',
      consoleDomainPrefix: 'orchestrator-ops',
    });
    const nested = Template.fromStack(stateless.console!);
    // Assess
    nested.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['console.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f2c3e8a-1111-2222-3333-444455556666',
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    nested.hasResourceProperties('AWS::Cognito::UserPoolClient', { ClientName: 'console', CallbackURLs: ['https://console.example.com/'] });
    nested.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'orchestrator-ops' });
  });
});

describe('Class: StatelessStack without the console', () => {
  it('has no nested stack, user pool or distribution, and the same template as with console=false', () => {
    // Prepare & Act
    const none = Template.fromStack(buildApp({}).stateless).toJSON();
    const off = Template.fromStack(buildApp({ console: 'false' }).stateless).toJSON();
    // Assess
    const types = new Set(Object.values(none.Resources as Resources).map((r) => r.Type));
    for (const type of ['AWS::CloudFormation::Stack', 'AWS::Cognito::UserPool', 'AWS::CloudFront::Distribution', 'AWS::S3::Bucket']) {
      expect(types.has(type), type).toBe(false);
    }
    expect(off).toEqual(none);
    expect(Object.keys(none.Outputs)).not.toContain('ConsoleUrl');
  });

  it('refuses the console together with another authorizer choice', () => {
    expect(() => buildApp({ console: 'true', authorizer: 'jwt', jwtIssuer: 'https://issuer.example.com', jwtAudience: 'a' })).toThrow(
      /console=true authorizes the API with the console's Cognito user pool: drop -c authorizer/,
    );
  });
});

describe('Function: console context settings', () => {
  const scopeWith = (context: Record<string, unknown>) => new App({ context });

  it('reads console as true or false, from the command line (strings) or cdk.json (booleans), off when absent', () => {
    expect(consoleEnabledFrom(scopeWith({}))).toBe(false);
    expect(consoleEnabledFrom(scopeWith({ console: 'true' }))).toBe(true);
    expect(consoleEnabledFrom(scopeWith({ console: true }))).toBe(true);
    expect(consoleEnabledFrom(scopeWith({ console: 'false' }))).toBe(false);
    expect(() => consoleEnabledFrom(scopeWith({ console: 'yes' }))).toThrow(/console must be true or false, got "yes"/);
  });

  it('accepts a Cognito domain prefix Cognito would, and names the key otherwise', () => {
    expect(consoleDomainPrefixFrom(scopeWith({}))).toBeUndefined();
    expect(consoleDomainPrefixFrom(scopeWith({ consoleDomainPrefix: 'acme-orchestrator' }))).toBe('acme-orchestrator');
    for (const bad of ['Acme', '-acme', 'my-aws-console', 'cognito-ops', 'a'.repeat(64)]) {
      expect(() => consoleDomainPrefixFrom(scopeWith({ consoleDomainPrefix: bad })), bad).toThrow(/consoleDomainPrefix must be/);
    }
  });

  it('takes a custom domain only with its us-east-1 certificate', () => {
    expect(consoleCustomDomainFrom(scopeWith({}))).toBeUndefined();
    expect(() => consoleCustomDomainFrom(scopeWith({ consoleDomainName: 'console.example.com' }))).toThrow(/needs both -c consoleDomainName/);
    expect(() =>
      consoleCustomDomainFrom(
        scopeWith({ consoleDomainName: 'console.example.com', consoleCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }),
      ),
    ).toThrow(/us-east-1/);
  });
});

describe('Class: ConsoleLocalBundling', () => {
  it('builds the console into the asset directory with the local esbuild, no Docker: index.html and its assets', () => {
    // Prepare
    const outputDir = mkdtempSync(join(tmpdir(), 'orchestrator-console-asset-'));
    try {
      // Act
      const bundled = new ConsoleLocalBundling().tryBundle(outputDir);
      // Assess
      expect(bundled).toBe(true);
      expect(readFileSync(join(outputDir, 'index.html'), 'utf8')).toContain('assets/app.js');
      expect(existsSync(join(outputDir, 'assets', 'app.js'))).toBe(true);
      expect(existsSync(join(outputDir, 'config.json'))).toBe(false);
    } finally {
      rmSync(outputDir, { recursive: true, force: true });
    }
  });
});
