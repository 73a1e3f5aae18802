import { join } from 'node:path';
import { AssetHashType, Aws, CfnOutput, Duration, Fn, Lazy, NestedStack, RemovalPolicy, Validations, type NestedStackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  AccountRecovery,
  CfnUserPoolClient,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Policy } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunctionConstruct } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { BASE_PATH } from '#shared/routes';
import type { ConsoleConfig } from '../console/src/config';
import type { ApiAuthorization } from './constructs/api-authorization';
import { PROJECT_ROOT } from './constructs/bundling';
import { wildcardResourceFinding } from './constructs/nag';
import { CONSOLE_BUNDLING } from './constructs/console-bundling';

/** The resource server the API's scope belongs to, and that scope: access tokens carry `orchestrator/api`. */
export const API_RESOURCE_SERVER = { identifier: 'orchestrator', scope: 'api' } as const;
export const API_SCOPE = `${API_RESOURCE_SERVER.identifier}/${API_RESOURCE_SERVER.scope}`;

/** A custom domain for the console: its name and an ACM certificate for it in us-east-1 (CloudFront's rule). */
export interface ConsoleCustomDomain {
  domainName: string;
  certificateArn: string;
}

export interface ConsoleStackProps extends NestedStackProps {
  /** The Cognito prefix domain. @default `channel-orchestrator-` and the first 8 hex digits of this stack's id (unique per deployment) */
  readonly domainPrefix?: string;
  /** @default the distribution's own `*.cloudfront.net` name */
  readonly customDomain?: ConsoleCustomDomain;
}

/**
 * The web console in AWS, a nested stack of the stateless one (`-c
 * console=true`): the Cognito user pool that signs operators in and
 * authorizes the API, and the console's files in a private S3 bucket behind
 * CloudFront, which also serves the API under `/api/*`.
 *
 * Why nested, and in two steps: the API's JWT authorizer needs the pool and
 * its clients, the web client's callback URL needs CloudFront's domain, and
 * CloudFront needs the API. Two top-level stacks would reference each other
 * (a cycle); inside one deployment there is none: the user pool, its clients
 * and the authorizer come first (constructor), then `serve(api)` adds the
 * bucket, the distribution and the upload. The web client's callback URL is
 * read lazily from the distribution made in that second step.
 */
export class ConsoleStack extends NestedStack {
  public readonly userPool: UserPool;
  public readonly domain: UserPoolDomain;
  /** The console's client: authorization code with PKCE, no secret (a browser keeps none). */
  public readonly webClient: UserPoolClient;
  /** The tools' client: client credentials, with a secret. */
  public readonly machineClient: UserPoolClient;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the tokens' `iss`. */
  public readonly issuer: string;
  private readonly customDomain?: ConsoleCustomDomain;
  private distribution?: Distribution;

  constructor(scope: Construct, id: string, props: ConsoleStackProps = {}) {
    super(scope, id, { description: 'Channel Orchestrator console: Cognito user pool, S3 bucket and CloudFront distribution', ...props });
    this.customDomain = props.customDomain;

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: 'channel-orchestrator-operators',
      // Operators are added by an administrator (docs/console.md), never by themselves.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      // An authenticator app at every sign-in; Cognito's sign-in pages walk an operator through setting one up.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Threat protection (compromised passwords, risky sign-ins blocked): the Plus plan, billed per active user, a handful here.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Prefix domains must be unique in the region: the stack id's UUID makes one per deployment unless context names it.
    const prefix = props.domainPrefix ?? `channel-orchestrator-${Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))))}`;
    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: prefix } });

    const apiScope = new ResourceServerScope({ scopeName: API_RESOURCE_SERVER.scope, scopeDescription: 'Call the Channel Orchestrator API' });
    const resourceServer = this.userPool.addResourceServer('ApiResourceServer', {
      identifier: API_RESOURCE_SERVER.identifier,
      userPoolResourceServerName: 'Channel Orchestrator API',
      scopes: [apiScope],
    });

    const consoleUrl = Lazy.string({ produce: () => this.consoleUrl });
    this.webClient = this.userPool.addClient('WebClient', {
      userPoolClientName: 'console',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        // Code flow only; PKCE is the client's part (oauth4webapi, S256), which a public client must use.
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.resourceServer(resourceServer, apiScope)],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });

    this.machineClient = this.userPool.addClient('MachineClient', {
      userPoolClientName: 'tools',
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(resourceServer, apiScope)],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
    });
    // No user sign-in through the tools' client (CDK leaves Cognito's default SRP and custom flows on when none is named):
    // only the refresh-token flow, which Cognito requires and client credentials never use.
    (this.machineClient.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];

    this.issuer = `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /**
   * The API's authorizer with the console on: a JWT authorizer on this pool.
   * Cognito access tokens carry no `aud`, only `client_id`; an HTTP API JWT
   * authorizer then checks `client_id` against the audience list ("API
   * Gateway validates client_id only if aud is not present"):
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
   * So the audience is both clients' ids: operators through the console,
   * tools through the machine client.
   */
  get apiAuthorization(): ApiAuthorization {
    return { kind: 'jwt', issuer: this.issuer, audience: [this.webClient.userPoolClientId, this.machineClient.userPoolClientId] };
  }

  /** `https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token`: where tools trade their client id and secret for a token. */
  get tokenUrl(): string {
    return `${this.domain.baseUrl()}/oauth2/token`;
  }

  /** `https://<console domain>/` (the callback and sign-out URL too); only once `serve()` made the distribution. */
  get consoleUrl(): string {
    if (!this.distribution) throw new Error('ConsoleStack.serve(api) was not called: the console has no distribution yet');
    return `https://${this.customDomain?.domainName ?? this.distribution.distributionDomainName}/`;
  }

  /**
   * The second step: a private bucket with the console's files, CloudFront
   * in front of it (origin access control) and of the API (`/api/*`), both
   * HTTPS only with security headers, and the upload with `config.json`.
   */
  serve(api: IHttpApi): Distribution {
    const bucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      // The files are a build output, uploaded again by every deploy: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the console build, uploaded by each deploy and read only by CloudFront through origin access control: ' +
        'its access log would record CloudFront fetching files. Who calls the API is in the HTTP API access log.',
    });

    const cognitoDomain = this.domain.baseUrl();
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Channel Orchestrator console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            // Discovery at the issuer, token exchange and refresh at the Cognito domain.
            `connect-src 'self' https://cognito-idp.${Aws.REGION}.amazonaws.com ${cognitoDomain}`,
            "img-src 'self' data:",
            "style-src 'self' 'unsafe-inline'",
            "object-src 'none'",
            "base-uri 'self'",
            `form-action 'self' ${cognitoDomain}`,
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    const apiOrigin = new HttpOrigin(`${api.apiId}.execute-api.${Aws.REGION}.amazonaws.com`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });

    const custom = this.customDomain;
    const distribution = new Distribution(this, 'Distribution', {
      comment: 'Channel Orchestrator console and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      ...(custom
        ? {
            domainNames: [custom.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: {
        // The API under the console's domain: no CORS, and the browser's token goes nowhere else.
        // With caching disabled, AllViewerExceptHostHeader forwards the Authorization header:
        // https://repost.aws/knowledge-center/cloudfront-authorization-header
        '/api/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    this.distribution = distribution;
    this.acknowledgeDistributionFindings(distribution, Boolean(custom));

    const config: ConsoleConfig = {
      // The console reaches the API under its own domain, through CloudFront's `/api/*` behaviour.
      apiBase: BASE_PATH,
      auth: { kind: 'cognito', issuer: this.issuer, clientId: this.webClient.userPoolClientId, scopes: ['openid', 'email', API_SCOPE], redirectPath: '/' },
    };
    new BucketDeployment(this, 'ConsoleFiles', {
      destinationBucket: bucket,
      sources: [
        Source.asset(join(PROJECT_ROOT, 'console'), { bundling: CONSOLE_BUNDLING, assetHashType: AssetHashType.OUTPUT }),
        Source.jsonData('config.json', config),
      ],
      // The file names carry no hash: browsers check back each time (a 304 when unchanged) rather than run a stale app.
      cacheControl: [CacheControl.noCache()],
      distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    this.acknowledgeDeploymentFindings();
    return distribution;
  }

  /** What cdk-nag finds on the distribution, and why each stays as it is. */
  private acknowledgeDistributionFindings(distribution: Distribution, customDomain: boolean): void {
    Validations.of(distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Operators sign in from wherever they work; no country is singled out. Access is by Cognito sign-in with MFA, not by geography.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL (a fixed monthly cost per ACL and per rule): the site is static files, the API is throttled (API_THROTTLE) and ' +
          'every API route needs a Cognito token; Cognito threat protection guards the sign-in.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'No CloudFront standard log: it needs a log bucket with ACLs enabled. API calls are logged by the HTTP API access log ' +
          '(caller, route, status), sign-ins by Cognito; the rest is static files.',
      },
    );
    if (!customDomain) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'With its default *.cloudfront.net certificate CloudFront fixes the viewer policy itself (TLSv1 minimum) and ignores any setting. ' +
          'Deploy with -c consoleDomainName and -c consoleCertificateArn to serve the console on a custom domain with TLSv1.2_2021.',
      });
    }
  }

  /**
   * The upload's custom resource is CDK's own Lambda function, with CDK's
   * grants: read the asset, write and prune the site bucket, invalidate the
   * distribution. Its findings are acknowledged on it alone, each wildcard by
   * name as it appears in the role's policy (computed from the statements,
   * so a grant CDK adds later fails the synth rather than passing unseen).
   */
  private acknowledgeDeploymentFindings(): void {
    const handlers = this.node
      .findAll()
      .filter((c): c is LambdaFunctionConstruct => c instanceof LambdaFunctionConstruct && c.node.id.startsWith('Custom::CDKBucketDeployment'));
    for (const handler of handlers) {
      const policy = handler.role?.node.tryFindChild('DefaultPolicy');
      const statements = policy instanceof Policy ? (policy.document.toJSON() as { Statement?: { Action: string | string[]; Resource: string | string[] }[] }).Statement ?? [] : [];
      const wildcards = new Set<string>();
      for (const statement of statements) {
        for (const action of [statement.Action].flat()) if (action.includes('*')) wildcards.add(`AwsSolutions-IAM5[Action::${action}]`);
        for (const resource of [statement.Resource].flat()) {
          const finding = wildcardResourceFinding(this, resource);
          if (finding.includes('*')) wildcards.add(`AwsSolutions-IAM5[${finding}]`);
        }
      }
      Validations.of(handler).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "CDK's BucketDeployment handler runs with AWSLambdaBasicExecutionRole: it writes its own logs, nothing more, and CDK owns the role.",
        },
        {
          id: 'AwsSolutions-L1',
          reason: "CDK's BucketDeployment handler: aws-cdk-lib picks its runtime (Python, with the AWS CLI layer), not this code; upgrading aws-cdk-lib upgrades it.",
        },
        ...[...wildcards].map((id) => ({
          id,
          reason:
            "CDK's BucketDeployment grants: read the console asset's objects in the CDK asset bucket, write, list and prune the objects of the " +
            'site bucket only, and invalidate the distribution (cloudfront:CreateInvalidation, granted by CDK on *). Deploy-time only.',
        })),
      );
    }
  }
}

/** Outputs of the console, on the stack that holds it (nested stack outputs are not printed by `cdk deploy`). */
export function consoleOutputs(scope: Construct, console: ConsoleStack): void {
  new CfnOutput(scope, 'ConsoleUrl', { value: console.consoleUrl, description: 'The web console (docs/console.md)' });
  new CfnOutput(scope, 'UserPoolId', { value: console.userPool.userPoolId, description: 'Operators sign in here: aws cognito-idp admin-create-user --user-pool-id ...' });
  new CfnOutput(scope, 'WebClientId', { value: console.webClient.userPoolClientId, description: "The console's app client (code flow with PKCE, no secret)" });
  new CfnOutput(scope, 'MachineClientId', {
    value: console.machineClient.userPoolClientId,
    description: 'Tools: client credentials; the secret: aws cognito-idp describe-user-pool-client',
  });
  new CfnOutput(scope, 'TokenUrl', { value: console.tokenUrl, description: 'POST grant_type=client_credentials here for an API access token' });
}
