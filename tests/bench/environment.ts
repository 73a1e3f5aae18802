/**
 * The benchmarks' environment, set before any measured module loads (imported
 * first by run.ts: the logger and the AWS SDK read it when they load).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
