import * as pulumi from "@pulumi/pulumi";

/** A secret value as it flows through regstack: always a Pulumi Output marked secret. */
export type Secret = pulumi.Output<string>;

export type RegistryMajor = "3" | "2.8";
export type UserRole = "push" | "pull";
export type LogLevel = "error" | "warn" | "info" | "debug";
/** off: plain HTTP at the edge (loopback only); internal: Caddy's CA with a root regstack generates; provided:
 * a CA and server certificate generated with @pulumi/tls, or PEMs supplied; acme: a public CA. */
export type TlsMode = "off" | "internal" | "provided" | "acme";
export type EdgeRouting = "port" | "host";

export interface TlsSpec {
  readonly mode: TlsMode;
  /** ACME account email (acme only). */
  readonly email?: string;
  /** Extra DNS names and IPs the registry answers to, besides the domain. */
  readonly names: readonly string[];
  readonly ips: readonly string[];
  /** Server certificate lifetime (internal leaf lifetime, or the generated certificate's validity). */
  readonly validityHours: number;
  /** A generated server certificate is replaced by `pulumi up` this long before it expires. */
  readonly earlyRenewalHours: number;
  /** Lifetime of the CA regstack generates (internal and provided). */
  readonly caValidityHours: number;
  /** PEMs supplied for mode provided; when absent a CA and certificate are generated. */
  readonly certificate?: { readonly cert: string; readonly key: Secret; readonly ca?: string };
}

/** A Docker engine regstack deploys to. The first host of a stack runs the registry. */
export interface DockerHost {
  /** Short name, used in resource names and by `mirrors[].host`. */
  readonly name: string;
  /** Docker endpoint: unix:///var/run/docker.sock, ssh://user@host or tcp://host:2376. */
  readonly url: string;
  /** Extra ssh options for ssh:// endpoints (e.g. ["-o", "ConnectTimeout=10"]); connection options only. */
  readonly sshOpts: readonly string[];
  /** The pinned ssh host key (`ssh-ed25519 AAAA…`, no comment); undefined leaves host keys to ssh's known_hosts. */
  readonly hostKey?: string;
  /** The name or IP clients use to reach services published on this host. */
  readonly address: string;
  /** Host directory holding regstack's data; undefined keeps data in named Docker volumes. */
  readonly dataPath?: string;
  /** Swarm mode: the node's hostname its services are pinned to. */
  readonly node: string;
}

/** How services run on the docker target's engines. */
export type DockerMode =
  /** A container per service on the engine of its host. */
  | { readonly kind: "hosts" }
  /** Swarm services, declared through the first host (a manager), each pinned to the node of its host. */
  | {
      readonly kind: "swarm";
      /** `ingress`: the routing mesh publishes the edge's ports on every node; `host`: on the edge's node only. */
      readonly publishMode: "ingress" | "host";
      /** `vip`: a virtual IP per service on the overlay network; `dnsrr`: DNS round robin. */
      readonly endpointMode: "vip" | "dnsrr";
    };

export interface Limits {
  /** Memory limit in MiB (Docker's `memory`, in MB). */
  readonly memoryMb: number;
  /** CPU limit as Docker's decimal `cpus` string, e.g. "1.5". */
  readonly cpus: string;
}

export interface UserSpec {
  readonly name: string;
  readonly role: UserRole;
  /** From secure config; undefined means a password is generated. */
  readonly password?: Secret;
}

export interface MirrorSpec {
  readonly name: string;
  /** Upstream registry URL, e.g. https://registry-1.docker.io. */
  readonly upstream: string;
  readonly username?: string;
  readonly password?: Secret;
  /** Cache TTL (registry 3.x only), e.g. "168h". */
  readonly ttl?: string;
  /** Reading it needs no login (never with upstream credentials). */
  readonly public: boolean;
}

export interface NotificationEndpoint {
  readonly name: string;
  readonly url: string;
  readonly timeout: string;
  readonly threshold: number;
  readonly backoff: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ignoredMediaTypes: readonly string[];
}

/** A node that gets the platform's CA and mirror settings over ssh. */
export interface ClientSpec {
  readonly name: string;
  /** docker: CA under /etc/docker/certs.d; k3s: registries.yaml (+ restart on change); kind: hosts.toml in node containers. */
  readonly kind: "docker" | "k3s" | "kind";
  /** ssh address of the node (for kind: the Docker host running the node containers). */
  readonly host: string;
  readonly user: string;
  readonly port: number;
  /** ssh private key; undefined uses the ssh agent. */
  readonly privateKey?: Secret;
  /** The pinned ssh host key (`ssh-ed25519 AAAA…`); undefined: the connection checks no host key. */
  readonly hostKey?: string;
  /** kind node containers (kind only). */
  readonly nodes: readonly string[];
  /** k3s systemd unit to restart when registries.yaml changes (k3s or k3s-agent). */
  readonly service: string;
  /** The registry user k3s pulls as (default: the first pull user). */
  readonly login?: string;
}

/** When the edge refuses an address that keeps failing to log in. */
export interface FailedLoginLimit {
  /** Failed logins within the window that block the address. */
  readonly limit: number;
  readonly windowSeconds: number;
  /** How long the address is refused. */
  readonly blockSeconds: number;
}

/** The edge's ports with port routing (host ports on Docker, NodePorts on Kubernetes). */
export interface EdgePorts {
  readonly registry: number;
  readonly ui: number;
  readonly grafana: number;
  /** Each cache's, by name. */
  readonly mirrors: Readonly<Record<string, number>>;
}

/** Limits per service role, in Docker's units (the docker target's resources). */
export interface DockerResources {
  readonly registry: Limits;
  readonly mirror: Limits;
  readonly ui: Limits;
  readonly redis: Limits;
  readonly edge: Limits;
  readonly jobs: Limits;
  readonly prometheus: Limits;
  readonly alertmanager: Limits;
  /** Each exporter (node-exporter, redis_exporter). */
  readonly exporter: Limits;
  readonly grafana: Limits;
}

/** The role whose limits a service takes from the target's resources table. */
export type ResourceRole = keyof DockerResources;

/** Where the platform runs on one or more Docker hosts: everything only that target needs. */
export interface DockerTarget {
  readonly kind: "docker";
  /** Containers per host, or Swarm services. */
  readonly mode: DockerMode;
  readonly hosts: readonly DockerHost[];
  /** Address published ports bind to. */
  readonly bindAddress: string;
  /** The edge's published ports with port routing: the registry, the UI, Grafana, and each cache by name. */
  readonly ports: EdgePorts;
  /** Per-host layout with monitoring: the port of another host's edge where Prometheus scrapes that host's services. */
  readonly metricsPort: number;
  /** Which host runs each cache, by cache name. */
  readonly mirrorHosts: Readonly<Record<string, string>>;
  readonly logs: { readonly maxSize: string; readonly maxFiles: number };
  readonly resources: DockerResources;
}

/** Kubernetes quantities of one pod's container: what the scheduler reserves and the ceiling. */
export interface PodResources {
  readonly requests: { readonly memory: string; readonly cpu: string };
  readonly limits: { readonly memory: string; readonly cpu: string };
}

/** Requests and limits per service role (the kubernetes target's resources). */
export type KubernetesResources = { readonly [R in ResourceRole]: PodResources };

/** The claims regstack makes on a cluster. */
export interface KubernetesStorage {
  /** Size of the registry's claim. */
  readonly size: string;
  /** Size of each cache's claim. */
  readonly cacheSize: string;
  /** Size of the backup repository's claim. */
  readonly backupSize: string;
  /** Storage class; undefined uses the cluster's default. */
  readonly storageClass?: string;
  /** Access mode of the registry's claim (ReadWriteMany lets several registry pods share it). */
  readonly accessMode: "ReadWriteOnce" | "ReadWriteMany";
}

/** Where the platform runs on a Kubernetes cluster (kind, k3s): everything only that target needs. */
export interface KubernetesTarget {
  readonly kind: "kubernetes";
  /** The kubeconfig file; undefined uses $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  /** The kubeconfig context; undefined uses its current context. */
  readonly context?: string;
  readonly namespace: string;
  /** The edge's NodePorts with port routing: the registry, the UI, Grafana, and each cache by name. */
  readonly ports: EdgePorts;
  /** Registry pods. */
  readonly replicas: number;
  readonly storage: KubernetesStorage;
  readonly resources: KubernetesResources;
}

/** The one target a stack deploys to (swarm joins this union with its issue). */
export type TargetSpec = DockerTarget | KubernetesTarget;

/** The validated, defaulted description of one platform: plain data, no resources. */
export interface PlatformSpec {
  readonly stack: string;
  /** Name clients use for the registry (defaults to the first host's address on Docker). */
  readonly domain: string;
  /** Whether the edge listens beyond loopback (a LAN bind needs TLS). */
  readonly loopbackOnly: boolean;
  readonly registry: {
    readonly version: RegistryMajor;
    readonly logLevel: LogLevel;
    readonly deleteEnabled: boolean;
  };
  readonly ui: { readonly enabled: boolean; readonly title: string };
  readonly redis: { readonly enabled: boolean; readonly maxMemoryMb: number };
  readonly access: {
    readonly bcryptCost: number;
    /** GET and HEAD on the registry need no login (writes still need a push user). */
    readonly anonymousPull: boolean;
    /** The edge's failed-login guard; undefined when off. */
    readonly failedLogins?: FailedLoginLimit;
  };
  readonly tls: TlsSpec;
  /** The Caddy front door, on every stack: plain HTTP on loopback when tls.mode is off. */
  readonly edge: { readonly routing: EdgeRouting; readonly httpsPort: number };
  readonly users: readonly UserSpec[];
  readonly mirrors: readonly MirrorSpec[];
  readonly notifications: readonly NotificationEndpoint[];
  readonly clients: readonly ClientSpec[];
  readonly data: {
    /** `protect` on data volumes: `pulumi destroy` refuses until it is lifted. */
    readonly protect: boolean;
    /** When false (default) data volumes are retained by `pulumi destroy`. */
    readonly deleteOnDestroy: boolean;
  };
  /** Scheduled backups, checks and drills; undefined when `regstack:backup.enabled` is false. */
  readonly backup?: BackupSpec;
  /** Scheduled garbage collection; undefined when `regstack:gc.enabled` is false. */
  readonly gc?: GcSpec;
  /** Scheduled tag retention; undefined unless `regstack:retention.enabled`. */
  readonly retention?: RetentionSpec;
  /** Scheduled image sync; undefined unless `regstack:sync.enabled`. */
  readonly sync?: SyncSpec;
  /** Prometheus, Alertmanager, exporters and Grafana; undefined unless `regstack:monitoring.enabled`. */
  readonly monitoring?: MonitoringSpec;
  readonly target: TargetSpec;
}

/** Where restic keeps the backups. */
export type BackupRepository =
  /** A retained volume on the registry's node (the default). */
  | { readonly kind: "volume" }
  /** A directory on the registry's host (a second disk), mounted into the jobs. */
  | { readonly kind: "path"; readonly path: string }
  /** A remote backend restic reaches itself (rest:, s3:). */
  | { readonly kind: "url"; readonly url: string };

export interface BackupSpec {
  readonly repository: BackupRepository;
  /** Generated when absent. */
  readonly password?: Secret;
  /** Backend credentials restic reads from its environment. */
  readonly environment: Readonly<Record<string, Secret>>;
  readonly schedule: string;
  readonly keep: { readonly daily: number; readonly weekly: number; readonly monthly: number };
  readonly checkSchedule: string;
  readonly drillSchedule: string;
}

export interface SyncImageSpec {
  /** registry/repository to copy from. */
  readonly source: string;
  /** Repository path in the registry. */
  readonly target: string;
  /** Tag patterns (RE2), any of which a copied tag matches; empty copies all. semverOnly makes it the release pattern. */
  readonly allow: readonly string[];
  readonly deny: readonly string[];
  /** Only release tags (v1.2.3, 1.2.3). */
  readonly semverOnly: boolean;
  readonly platform?: string;
}

export interface SyncSpec {
  readonly schedule: string;
  readonly reservePulls: number;
  readonly retryAfter: string;
  readonly images: readonly SyncImageSpec[];
  readonly credentials: readonly { readonly registry: string; readonly username: string; readonly password: Secret }[];
}

/** One retention rule, as the retention job reads it. */
export interface RetentionRuleSpec {
  readonly repositories: string;
  readonly excludeRepositories: readonly string[];
  readonly tags: string;
  readonly excludeTags: readonly string[];
  readonly keepLast: number;
  readonly keepDays: number;
  readonly protect: readonly string[];
}

export interface RetentionSpec {
  readonly schedule: string;
  /** Only write the plan. */
  readonly dryRun: boolean;
  readonly rules: readonly RetentionRuleSpec[];
}

export interface GcSpec {
  readonly schedule: string;
  /** Also delete untagged manifests (3.x only). */
  readonly deleteUntagged: boolean;
  readonly drainQuietSeconds: number;
  readonly drainTimeoutSeconds: number;
}

/** Where Alertmanager sends alerts (and, with `events`, where the registry sends its events). */
export type AlertReceiver =
  | {
      readonly name: string;
      readonly kind: "webhook" | "ntfy";
      readonly url: string;
      /** Sent as `Authorization: Bearer <token>`. */
      readonly token?: Secret;
      /** Also a registry notification endpoint. */
      readonly events: boolean;
    }
  | {
      readonly name: string;
      readonly kind: "email";
      readonly to: string;
      readonly from: string;
      /** host:port of the SMTP server. */
      readonly smarthost: string;
      readonly auth?: { readonly username: string; readonly password: Secret };
    };

/** Alert thresholds, in the units their names say. */
export interface AlertThresholds {
  readonly downMinutes: number;
  readonly errorPercent: number;
  readonly errorMinutes: number;
  readonly manifestP95Ms: number;
  readonly latencyMinutes: number;
  readonly storageWarningPercent: number;
  readonly storageCriticalPercent: number;
  readonly fullWithinDays: number;
  readonly backupAgeHours: number;
  readonly drillAgeDays: number;
  readonly certificateDays: number;
  readonly redisMemoryPercent: number;
  readonly pendingEvents: number;
}

export interface MonitoringSpec {
  /** Prometheus duration (`15d`). */
  readonly retention: string;
  readonly scrapeInterval: string;
  /** Cron of the storage-usage job. */
  readonly usageSchedule: string;
  readonly grafana: boolean;
  readonly receivers: readonly AlertReceiver[];
  readonly thresholds: AlertThresholds;
}
