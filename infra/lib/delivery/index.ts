// Layer 2, Delivery (the design's CloudFront): one distribution in front of everything, honouring the caching
// contract the app writes in src/delivery/cache-policy.ts:
//
// | path                          | origin                  | cache policy                                  | app header                                  |
// |-------------------------------|-------------------------|-----------------------------------------------|---------------------------------------------|
// | /assets/*                     | assets bucket (OAC)     | immutable: 1 year unless the origin says less | IMMUTABLE (content-hashed keys)             |
// | /static/*                     | web bucket (OAC)        | immutable                                     | IMMUTABLE (Vite's content-hashed bundle)    |
// | /api/products*, /api/categories* | API (ALB)            | catalog: origin's s-maxage, all query strings, Accept-Encoding normalised | CATALOG (s-maxage=5, swr=30) |
// | /api/*                        | API                     | none; every viewer header, cookie and query   | PRIVATE (carts, accounts, checkout)          |
// | /healthz, /readyz             | API                     | none                                          | NO_STORE                                    |
// | /vendor/*                     | API                     | origin-controlled (1 h)                       | REVALIDATE_HOURLY (model-viewer, decoders)  |
// | everything else               | web bucket, SPA fallback | origin-controlled (index.html: no-cache)     | HTML                                        |
//
// Viewers: HTTPS only (HTTP redirects), TLS 1.2+ with the stage's certificate, HTTP/2 and HTTP/3, IPv6, security
// headers on every response, standard logs to the log bucket. Origins: S3 through Origin Access Control only (the
// buckets stay private), the ALB over HTTPS (TLS 1.2) when the stage has a domain.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The app's Cache-Control for content-hashed URLs (src/delivery/cache-policy.ts IMMUTABLE). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The app's Content-Security-Policy (src/compute/api/security-headers.ts, same-origin assets), for what S3 serves
 * (the storefront's HTML shell); the API's own responses keep the header the app sets. `uploadOrigins`: the
 * regions' assets buckets, which the merchant's browser PUTs presigned uploads to. A test keeps the two equal.
 */
export function contentSecurityPolicyHeader(uploadOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    ["connect-src 'self' data: blob:", ...uploadOrigins].join(' '),
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface DeliveryProps {
  /** Resource-name prefix, e.g. vitrine-prod (cache policy names are account-wide). */
  readonly prefix: string;
  readonly web: s3.IBucket;
  readonly assets: s3.IBucket;
  /** The API's origin: a domain name (latency-routed to the regions' ALBs) or the one ALB's DNS name (dev). */
  readonly api: { readonly domainName: string; readonly protocol: 'https' | 'http' };
  readonly logs: s3.IBucket;
  /** Shopper-facing names and their us-east-1 certificate; none = the *.cloudfront.net name (dev). */
  readonly domain?: { readonly names: string[]; readonly certificateArn: string };
  readonly priceClass: cloudfront.PriceClass;
  /** Where browsers PUT presigned uploads: every region's assets bucket endpoint (CSP connect-src). */
  readonly uploadOrigins: readonly string[];
  /** A WAF web ACL (us-east-1, CLOUDFRONT scope) to attach. */
  readonly webAclArn?: string;
}

export class Delivery extends Construct {
  public readonly distribution: cloudfront.Distribution;
  public readonly immutablePolicy: cloudfront.CachePolicy;
  public readonly catalogPolicy: cloudfront.CachePolicy;
  public readonly originControlledPolicy: cloudfront.CachePolicy;
  public readonly securityHeaders: cloudfront.ResponseHeadersPolicy;
  public readonly assetHeaders: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const name = (suffix: string): string => `${props.prefix}-${Stack.of(this).region}-${suffix}`;

    this.immutablePolicy = new cloudfront.CachePolicy(this, 'Immutable', {
      cachePolicyName: name('immutable'),
      comment: 'Content-hashed URLs: a year, or less if the origin says so',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(365),
      maxTtl: Duration.days(365),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    this.catalogPolicy = new cloudfront.CachePolicy(this, 'Catalog', {
      cachePolicyName: name('catalog'),
      comment: "Catalog GETs: the origin's s-maxage (no header, no caching); every query string is part of the key",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    this.originControlledPolicy = new cloudfront.CachePolicy(this, 'OriginControlled', {
      cachePolicyName: name('origin-controlled'),
      comment: "Whatever the origin's Cache-Control says; nothing without one",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const securityHeadersBehavior: cloudfront.ResponseSecurityHeadersBehavior = {
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.SAMEORIGIN, override: false },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
      contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicyHeader(props.uploadOrigins), override: false },
    };
    this.securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: name('security'),
      comment: 'HSTS, nosniff, frame, referrer and content-security policies on every response',
      securityHeadersBehavior,
    });
    this.assetHeaders = new cloudfront.ResponseHeadersPolicy(this, 'AssetHeaders', {
      responseHeadersPolicyName: name('assets'),
      comment: 'Assets: security headers, open CORS (AR viewers, other sites), immutable caching for browsers',
      securityHeadersBehavior,
      corsBehavior: {
        accessControlAllowOrigins: ['*'],
        accessControlAllowMethods: ['GET', 'HEAD', 'OPTIONS'],
        accessControlAllowHeaders: ['*'],
        accessControlExposeHeaders: ['ETag', 'Content-Length', 'Content-Range', 'Accept-Ranges'],
        accessControlAllowCredentials: false,
        accessControlMaxAge: Duration.days(1),
        originOverride: false,
      },
      // S3 stores no Cache-Control on uploads; the keys are content-hashed, so browsers may keep them forever.
      customHeadersBehavior: { customHeaders: [{ header: 'Cache-Control', value: IMMUTABLE, override: false }] },
    });

    // The app addresses assets as /assets/<key>; the bucket holds <key>.
    const stripAssetsPrefix = new cloudfront.Function(this, 'StripAssetsPrefix', {
      functionName: name('strip-assets-prefix'),
      comment: '/assets/<key> -> /<key> (the object key in the assets bucket)',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        "function handler(event) { var r = event.request; r.uri = r.uri.replace(/^\\/assets\\//, '/'); return r; }",
      ),
    });
    // Client-side routes (/p/<slug>, /c/<category>) get the app shell; files (a dot in the last segment) pass.
    const spaFallback = new cloudfront.Function(this, 'SpaFallback', {
      functionName: name('spa-fallback'),
      comment: 'Paths without a file extension -> /index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        "function handler(event) { var r = event.request; var last = r.uri.substring(r.uri.lastIndexOf('/') + 1); if (last.indexOf('.') === -1) { r.uri = '/index.html'; } return r; }",
      ),
    });

    const webOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.web);
    const assetsOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.assets);
    const apiOrigin = new origins.HttpOrigin(props.api.domainName, {
      protocolPolicy: props.api.protocol === 'https' ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
      keepaliveTimeout: Duration.seconds(5),
    });

    const viewerProtocolPolicy = cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS;
    const immutableFrom = (origin: cloudfront.IOrigin, headers: cloudfront.IResponseHeadersPolicy): cloudfront.BehaviorOptions => ({
      origin,
      viewerProtocolPolicy,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy: this.immutablePolicy,
      responseHeadersPolicy: headers,
      compress: true,
    });
    const catalog: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: this.catalogPolicy,
      responseHeadersPolicy: this.securityHeaders,
      compress: true,
    };
    const uncached = (allowedMethods: cloudfront.AllowedMethods): cloudfront.BehaviorOptions => ({
      origin: apiOrigin,
      viewerProtocolPolicy,
      allowedMethods,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // Everything the viewer sent (cookies for sessions, CSRF headers, query strings) but Host: the ALB's
      // certificate names the origin, not the shop.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.securityHeaders,
      compress: false, // the API compresses its own responses
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${props.prefix}: storefront, assets and API`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: webOrigin,
        viewerProtocolPolicy,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: this.originControlledPolicy,
        responseHeadersPolicy: this.securityHeaders,
        compress: true,
        functionAssociations: [{ function: spaFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      // Order matters: CloudFront takes the first pattern that matches.
      additionalBehaviors: {
        '/assets/*': {
          ...immutableFrom(assetsOrigin, this.assetHeaders),
          functionAssociations: [{ function: stripAssetsPrefix, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
        '/static/*': immutableFrom(webOrigin, this.securityHeaders),
        '/api/products*': catalog,
        '/api/categories*': catalog,
        '/api/*': uncached(cloudfront.AllowedMethods.ALLOW_ALL),
        '/healthz': uncached(cloudfront.AllowedMethods.ALLOW_GET_HEAD),
        '/readyz': uncached(cloudfront.AllowedMethods.ALLOW_GET_HEAD),
        '/vendor/*': {
          origin: apiOrigin,
          viewerProtocolPolicy,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: this.originControlledPolicy,
          responseHeadersPolicy: this.securityHeaders,
          compress: true,
        },
      },
      ...(props.domain
        ? {
            domainNames: props.domain.names,
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }
        : {}),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass,
      enableLogging: true,
      logBucket: props.logs,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'A shop sells worldwide: no country is blocked by default (add a geo restriction per stage if the business needs one).',
    });
    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'WAF costs $5 a month per web ACL plus $1 per rule and requests; the API rate-limits itself (@fastify/rate-limit). ' +
          'Stages can attach a web ACL with the webAclArn prop.',
      });
    }
    if (props.api.protocol === 'http') {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR5',
        reason:
          'Dev stages only: without a domain no certificate can match the ALB name, so CloudFront reaches the API over HTTP ' +
          'while shoppers still use HTTPS to CloudFront. Stages with a domain use HTTPS (TLS 1.2) to an HTTPS listener.',
      });
    }
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a domain the distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes. ' +
          'Stages with a domain use their own certificate with TLSv1.2_2021.',
      });
    }
  }
}
