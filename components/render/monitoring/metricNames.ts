/**
 * The metric names regstack's rules and dashboard read, and which registry line exports each. Kept in
 * one place so rules, panels and the real-run test (test/real/monitoring.test.ts) agree.
 *
 * Sources, read at the tags named:
 * - distribution v2.8.3 and v3.0.0: `registry/handlers/app.go` (`registry_http_*`, from
 *   docker/go-metrics' NewDefaultHttpMetrics, label `handler`: base, manifest, blob, blob_upload,
 *   blob_upload_chunk, tags, catalog), `registry/storage/driver/base/base.go`
 *   (`registry_storage_action_seconds`), `registry/storage/cache/cachedblobdescriptorstore.go`
 *   (2.8: `registry_storage_cache_total{type}`; 3.0: `registry_storage_cache_{requests,hits,errors}_total`),
 *   3.0 only: `registry/proxy/proxymetrics.go` (`registry_proxy_{requests,hits,misses,pulled_bytes,pushed_bytes}_total{type}`)
 *   and `notifications/metrics.go` (`registry_notifications_{events_total,pending,status_total}{endpoint}`).
 * - Caddy 2.6-2.8: `modules/caddyhttp/metrics.go` (`caddy_http_*`, labels server, handler, code, method).
 * - redis_exporter, node-exporter: their own `redis_*` and `node_*` names.
 * - regstack's jobs: runtime/scheduler.js (`regstack_job_*{operation}`) and runtime/usage.js
 *   (`regstack_storage_*`).
 */

/** Names both registry lines export (histograms by their base name). */
export const registryMetrics = {
  requests: "registry_http_requests_total",
  duration: "registry_http_request_duration_seconds",
  requestSize: "registry_http_request_size_bytes",
  responseSize: "registry_http_response_size_bytes",
  inFlight: "registry_http_in_flight_requests",
  storageAction: "registry_storage_action_seconds",
} as const;

/** Names one registry line exports and the other does not. */
export const registryLineMetrics = {
  /** 2.8: the blob-descriptor cache (Redis) by `type` (Request, Hit, Miss, Error). */
  cache28: "registry_storage_cache_total",
  /** 3.x: the same cache, one counter each. */
  cacheRequests3: "registry_storage_cache_requests_total",
  cacheHits3: "registry_storage_cache_hits_total",
  /** 3.x: a pull-through cache's requests, hits and misses by `type` (blob, manifest). */
  proxyRequests3: "registry_proxy_requests_total",
  proxyHits3: "registry_proxy_hits_total",
  proxyMisses3: "registry_proxy_misses_total",
  /** 3.x: events waiting for a notification endpoint. */
  notificationsPending3: "registry_notifications_pending",
} as const;

export const edgeMetrics = {
  /** Histogram, labels server, handler, code, method. */
  duration: "caddy_http_request_duration_seconds",
  inFlight: "caddy_http_requests_in_flight",
  responseSize: "caddy_http_response_size_bytes",
  requestSize: "caddy_http_request_size_bytes",
} as const;

export const redisMetrics = {
  used: "redis_memory_used_bytes",
  max: "redis_memory_max_bytes",
  hits: "redis_keyspace_hits_total",
  misses: "redis_keyspace_misses_total",
} as const;

export const nodeMetrics = {
  avail: "node_filesystem_avail_bytes",
  size: "node_filesystem_size_bytes",
} as const;

export const jobMetrics = {
  lastSuccess: "regstack_job_last_success_timestamp_seconds",
  lastExitCode: "regstack_job_last_exit_code",
  lastDuration: "regstack_job_last_duration_seconds",
} as const;

export const storageMetrics = {
  /** Bytes of the registry's blobs (each stored once). */
  total: "regstack_storage_bytes",
  /** Bytes of the blobs a repository links (shared blobs count in each). */
  repository: "regstack_storage_repository_bytes",
} as const;
