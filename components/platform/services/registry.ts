/** The private registry: distribution on retained filesystem storage, behind the edge. */
import * as pulumi from "@pulumi/pulumi";
import { NotificationEndpoint, PlatformSpec, Secret } from "../../config/types";
import { KeepPolicy, ServiceDescription } from "../description";
import { internalAddresses, internalNames, registryListeners } from "../topology";
import { distributionService } from "./distribution";

export interface RegistryServiceArgs {
  readonly spec: PlatformSpec;
  readonly placement: string;
  readonly httpSecret: Secret;
  /** The Redis cache's password, when Redis is on. */
  readonly redisPassword?: Secret;
  readonly keep: KeepPolicy;
}

/** Notification defaults of `regstack:notifications` (its timeout, threshold and backoff). */
const EVENT_DEFAULTS = { timeout: "1s", threshold: 5, backoff: "10s" } as const;

/** Alert receivers that also take the registry's events (webhook and ntfy with `events: true`). */
export function eventReceivers(spec: PlatformSpec): { endpoint: NotificationEndpoint; secretHeaders: Record<string, Secret> }[] {
  return (spec.monitoring?.receivers ?? []).flatMap((r) => {
    if (r.kind === "email" || !r.events) return [];
    const secretHeaders: Record<string, Secret> = r.token ? { Authorization: pulumi.secret(r.token.apply((t) => `Bearer ${t}`)) } : {};
    return [{ endpoint: { name: `${EVENT_PREFIX}${r.name}`, url: r.url, ...EVENT_DEFAULTS, headers: {}, ignoredMediaTypes: [] }, secretHeaders }];
  });
}

/** Event endpoints of receivers are named `receiver-<name>`, apart from `regstack:notifications`' names. */
export const EVENT_PREFIX = "receiver-";

export function registryService(args: RegistryServiceArgs): ServiceDescription {
  const { spec } = args;
  return distributionService({
    id: internalNames.registry,
    component: "Registry",
    placement: args.placement,
    version: spec.registry.version,
    config: {
      instance: internalNames.registry,
      logLevel: spec.registry.logLevel,
      deleteEnabled: spec.registry.deleteEnabled,
      redis: args.redisPassword ? { address: internalAddresses.redis } : undefined,
      // Header values (tokens among them) reach only the secret config file, never the plain one.
      notifications: [...spec.notifications.map((n) => ({ ...n, headers: {} })), ...eventReceivers(spec).map((r) => r.endpoint)],
    },
    secretHeaders: Object.fromEntries([
      ...spec.notifications.map((n) => [n.name, Object.fromEntries(Object.entries(n.headers).map(([k, v]) => [k, pulumi.secret(v)]))] as const),
      ...eventReceivers(spec).map((r) => [r.endpoint.name, r.secretHeaders] as const),
    ]),
    listeners: registryListeners(args.spec, internalNames.registry),
    httpSecret: args.httpSecret,
    redisPassword: args.redisPassword,
    keep: args.keep,
    resources: "registry",
    dependsOn: args.redisPassword ? [internalNames.redis] : [],
    connectsTo: args.redisPassword ? [internalNames.redis] : [],
  });
}
