import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { contentSecurityPolicy } from '../../src/compute/api/security-headers.ts';
import { Delivery, contentSecurityPolicyHeader } from '../lib/delivery/index.ts';
import { resources, template, testBucket, testStack } from './helpers.ts';

type Behavior = { PathPattern?: string; CachePolicyId: unknown; OriginRequestPolicyId?: unknown; TargetOriginId: string; ViewerProtocolPolicy: string; AllowedMethods?: string[]; FunctionAssociations?: unknown[]; ResponseHeadersPolicyId?: unknown };
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const UPLOADS = 'https://vitrine-test-assets.s3.eu-west-1.amazonaws.com';

function build(domain: boolean) {
  const stack = testStack();
  const delivery = new Delivery(stack, 'Delivery', {
    prefix: 'vitrine-test',
    web: testBucket(stack, 'Web'),
    assets: testBucket(stack, 'Assets'),
    api: domain ? { domainName: 'origin.shop.example.com', protocol: 'https' } : { domainName: 'alb.example.com', protocol: 'http' },
    logs: testBucket(stack, 'Logs'),
    ...(domain ? { domain: { names: ['shop.example.com'], certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } } : {}),
    priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    uploadOrigins: [UPLOADS],
  });
  const t = template(stack);
  const [[, dist]] = resources(t, 'AWS::CloudFront::Distribution') as [[string, { DistributionConfig: Record<string, unknown> }]];
  const config = dist.DistributionConfig;
  const behaviors = config.CacheBehaviors as Behavior[];
  const behavior = (path: string): Behavior => behaviors.find((b) => b.PathPattern === path) ?? assert.fail(`no behaviour for ${path}`);
  const origins = config.Origins as { Id: string; DomainName: unknown; OriginAccessControlId?: unknown; CustomOriginConfig?: Record<string, unknown> }[];
  const originOf = (b: Behavior) => origins.find((o) => o.Id === b.TargetOriginId)!;
  const policyId = (p: cloudfront.ICachePolicy | cloudfront.IResponseHeadersPolicy) =>
    ({ Ref: stack.getLogicalId((p as cloudfront.CachePolicy).node.defaultChild as never) });
  return { stack, delivery, t, config, behaviors, behavior, origins, originOf, policyId };
}

describe('delivery', () => {
  const d = build(true);

  it('reaches both buckets through Origin Access Control only', () => {
    d.t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 2);
    const s3Origins = d.origins.filter((o) => o.OriginAccessControlId);
    assert.equal(s3Origins.length, 2);
    const policies = JSON.stringify(resources(d.t, 'AWS::S3::BucketPolicy'));
    assert.match(policies, /cloudfront\.amazonaws\.com/);
    assert.match(policies, /AWS:SourceArn/);
  });

  it('serves /assets/* from the assets bucket, immutable, stripping the /assets prefix', () => {
    const b = d.behavior('/assets/*');
    assert.deepEqual(b.CachePolicyId, d.policyId(d.delivery.immutablePolicy));
    assert.deepEqual(b.ResponseHeadersPolicyId, d.policyId(d.delivery.assetHeaders));
    assert.equal(b.FunctionAssociations?.length, 1);
    d.t.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: { Name: 'vitrine-test-us-east-1-immutable', MinTTL: 0, DefaultTTL: 31536000, MaxTTL: 31536000 },
    });
    assert.ok(d.originOf(b).OriginAccessControlId);
    assert.ok(d.originOf(d.behavior('/static/*')).OriginAccessControlId);
    assert.deepEqual(d.behavior('/static/*').CachePolicyId, d.policyId(d.delivery.immutablePolicy));
  });

  it('caches catalog GETs as long as the origin\'s s-maxage says, keyed by every query string and the normalised encoding', () => {
    for (const path of ['/api/products*', '/api/categories*']) {
      const b = d.behavior(path);
      assert.deepEqual(b.CachePolicyId, d.policyId(d.delivery.catalogPolicy), path);
      assert.deepEqual(b.AllowedMethods, ['GET', 'HEAD'], path);
      assert.equal(d.originOf(b).CustomOriginConfig?.OriginProtocolPolicy, 'https-only');
    }
    d.t.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: {
        Name: 'vitrine-test-us-east-1-catalog',
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 86400,
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          CookiesConfig: { CookieBehavior: 'none' },
          HeadersConfig: { HeaderBehavior: 'none' },
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        },
      },
    });
  });

  it('never caches the rest of /api/* nor the health endpoints, and forwards every viewer cookie and header but Host', () => {
    for (const path of ['/api/*', '/healthz', '/readyz']) {
      const b = d.behavior(path);
      assert.equal(b.CachePolicyId, CACHING_DISABLED, path);
      assert.equal(b.OriginRequestPolicyId, ALL_VIEWER_EXCEPT_HOST, path);
    }
    assert.ok(d.behavior('/api/*').AllowedMethods?.includes('POST'));
    const order = d.behaviors.map((b) => b.PathPattern);
    assert.ok(order.indexOf('/api/products*') < order.indexOf('/api/*'), 'catalog patterns must come before /api/*');
  });

  it('serves the storefront from the web bucket with the HTML shell revalidated, HTTPS only, TLS 1.2+, logged', () => {
    const def = d.config.DefaultCacheBehavior as Behavior;
    assert.ok(d.originOf(def).OriginAccessControlId);
    assert.deepEqual(def.CachePolicyId, d.policyId(d.delivery.originControlledPolicy));
    for (const b of [def, ...d.behaviors]) assert.equal(b.ViewerProtocolPolicy, 'redirect-to-https');
    assert.deepEqual(d.config.ViewerCertificate, {
      AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    assert.deepEqual(d.config.Aliases, ['shop.example.com']);
    assert.ok(d.config.Logging);
    assert.equal(d.config.DefaultRootObject, 'index.html');
    assert.deepEqual(d.origins.find((o) => o.CustomOriginConfig)?.CustomOriginConfig?.OriginSSLProtocols, ['TLSv1.2']);
  });

  it('adds security headers to every response', () => {
    d.t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        Name: 'vitrine-test-us-east-1-security',
        SecurityHeadersConfig: {
          StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'SAMEORIGIN', Override: false },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: false },
        },
      },
    });
    const def = d.config.DefaultCacheBehavior as Behavior;
    for (const b of [def, ...d.behaviors]) assert.ok(b.ResponseHeadersPolicyId, b.PathPattern);
  });

  it('gives what S3 serves the same Content-Security-Policy as the app sends, uploads to the bucket allowed', () => {
    const app = Object.entries(contentSecurityPolicy(undefined, UPLOADS)).map(([directive, values]) => `${directive} ${values.join(' ')}`).join('; ');
    assert.equal(contentSecurityPolicyHeader([UPLOADS]), app);
    assert.match(app, /connect-src 'self' data: blob: https:\/\/vitrine-test-assets\.s3\.eu-west-1\.amazonaws\.com;/);
    d.t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: app, Override: false } } },
    });
  });

  it('rewrites paths as the edge functions promise', () => {
    const fns = resources(d.t, 'AWS::CloudFront::Function').map(([, p]) => p as { Name: string; FunctionCode: string });
    const run = (name: string, uri: string): string => {
      const code = fns.find((f) => f.Name.endsWith(name))!.FunctionCode;
      const ctx = vm.createContext({});
      vm.runInContext(code, ctx);
      return (vm.runInContext(`handler({ request: { uri: ${JSON.stringify(uri)} } })`, ctx) as { uri: string }).uri;
    };
    assert.equal(run('strip-assets-prefix', '/assets/models/0123456789abcdef/chair.glb'), '/models/0123456789abcdef/chair.glb');
    assert.equal(run('spa-fallback', '/p/oak-chair'), '/index.html');
    assert.equal(run('spa-fallback', '/'), '/index.html');
    assert.equal(run('spa-fallback', '/favicon.svg'), '/favicon.svg');
  });

  it('talks plain HTTP to the ALB only without a domain (dev), on the default certificate', () => {
    const dev = build(false);
    const api = dev.originOf(dev.behavior('/api/*'));
    assert.equal(api.CustomOriginConfig?.OriginProtocolPolicy, 'http-only');
    assert.equal(dev.config.Aliases, undefined);
  });
});
