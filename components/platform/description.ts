/**
 * The target-neutral descriptions a target translates: one ServiceDescription per running service.
 * A target never decides what a service is; it only turns these into its own resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceRole, Secret } from "../config/types";
import { ImageRole } from "../images";

/** What a change of a file's content does to its service. */
export type ChangeEffect =
  /** The service re-reads the file in place (Caddy's --watch): it is not restarted. */
  | "reload"
  /** The service must start again with the new file. */
  | "restart";

/** A file a service reads. */
export interface ServiceFile {
  /** Absolute path inside the service. Files that reload share one directory. */
  readonly path: string;
  readonly content: pulumi.Input<string>;
  /** A secret file (hashes, keys, passwords): never in a plain config map or a plain upload. */
  readonly secret: boolean;
  readonly onChange: ChangeEffect;
  /** Octal mode, e.g. "0444". */
  readonly mode: string;
}

/** Who reaches an unpublished port. */
export type PortAudience =
  /** The services that connect to its service (`connectsTo`): the default. */
  | "clients"
  /** Only the services that scrape its service (`scrapes`): a debug or metrics listener. */
  | "scrapers"
  /** Only the service itself (its probe): loopback on Docker; on a cluster no policy admits a pod. */
  | "self";

/** A port a service listens on. */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  /** Published to clients (only the edge's are); otherwise reachable on the platform network only. */
  readonly published: boolean;
  /** Who reaches it, when not published; "clients" when absent. */
  readonly audience?: PortAudience;
  /**
   * The host its listener binds, when not every interface: 127.0.0.1, or one of the service's own
   * names that the target resolves to its address on one network only (Docker hosts: the alias on
   * its own network for clients, on its scrape network for scrapers).
   */
  readonly bind?: string;
}

/** How a target tells the service is healthy. */
export type Probe =
  /** `host`: the name its listener binds (ServicePort.bind), when not every interface. */
  | { readonly kind: "http"; readonly port: number; readonly path: string; readonly host?: string }
  /** A shell command run inside the service. */
  | { readonly kind: "exec"; readonly command: string };

/** How a piece of data survives routine operations. */
export interface KeepPolicy {
  /** Refuse to delete it until the flag is lifted (`protect`). */
  readonly protect: boolean;
  /** Destroy or removal from config leaves the data in place (`retainOnDelete`). */
  readonly retain: boolean;
}

/** Persistent data a service keeps. */
export interface DataMount {
  /** Where the service sees it. */
  readonly path: string;
  /** The data's name: volume suffix, host directory under dataPath, claim name. */
  readonly name: string;
  readonly keep: KeepPolicy;
  /** uid:gid the directory is handed to before the service starts (it runs unprivileged). */
  readonly owner?: string;
  /** How much room it needs, as the target sizes it (a claim's size on Kubernetes; Docker volumes grow). */
  readonly size: "images" | "cache" | "backup" | "small";
  /** An absolute directory on the node chosen by the stack (a second disk), instead of the target's own place for data. */
  readonly hostPath?: string;
}

/**
 * Another service's data or live config files, mounted into this one (the jobs collect the registry's
 * storage and back up the edge's config).
 */
export interface SharedData {
  /** Where this service sees it. */
  readonly path: string;
  /** The id of the service that owns it (on the same node). */
  readonly owner: string;
  /** Its data mount, or the directory of its files that reload in place. */
  readonly what: "data" | "config";
  /** With "data": which of its data mounts, by name (one of `moreData`); undefined: its primary data. */
  readonly name?: string;
  readonly readOnly: boolean;
}

/** A small volume services on one node share while they run (nothing in it needs to survive). */
export interface SharedVolume {
  /** Where this service sees it. */
  readonly path: string;
  /** The volume's name on the node ("maintenance"). */
  readonly name: string;
  readonly readOnly: boolean;
  /** The service whose node holds it: on a cluster, pods that mount it run beside that service's pod. */
  readonly beside: string;
}

/** A program a service borrows from another pinned image, installed into `dir` before it starts. */
export interface BorrowedProgram {
  readonly image: ImageRole;
  /** Its path in that image. */
  readonly from: string;
  /** Its file name in the service's program directory. */
  readonly name: string;
}

/** An in-memory scratch directory (tmpfs). */
export interface ScratchDir {
  readonly path: string;
  readonly sizeMb: number;
  /** Octal mode of the directory. */
  readonly mode: string;
  /** Owner uid, when not root. */
  readonly uid?: number;
}

/** One service of the platform, as every target runs it. */
export interface ServiceDescription {
  /** Unique within the platform; resource names derive from it ("registry", "mirror-ghcr", "pr4100-edge"). */
  readonly id: string;
  /** The service's name where it runs (container name suffix, role label): "registry", "edge". */
  readonly role: string;
  /** The kind of component, for type tokens (`regstack:<target>:<component>`). */
  readonly component: "Registry" | "Mirror" | "RegistryUi" | "RedisCache" | "Edge" | "Scheduler" | "Prometheus" | "Alertmanager" | "Exporter" | "Grafana" | "Guard";
  /** The node that holds its data and runs it (Docker: a host name from the docker target). */
  readonly placement: string;
  readonly image: ImageRole;
  /** Names other services reach it by on the platform network. */
  readonly aliases: readonly string[];
  /** Command and arguments; undefined runs the image's default. */
  readonly command?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: Readonly<Record<string, Secret>>;
  readonly files: readonly ServiceFile[];
  /**
   * The file whose change makes the service reload its reloadable files (Caddy watches its Caddyfile,
   * which imports the users file): a target renews it whenever another of those files changes.
   */
  readonly watchedFile?: string;
  readonly data?: DataMount;
  /** Further data the service owns (the backup repository, the jobs' working space). */
  readonly moreData?: readonly DataMount[];
  /** Other services' data it mounts. */
  readonly sharedData?: readonly SharedData[];
  /** Volumes shared with other services on the node. */
  readonly sharedVolumes?: readonly SharedVolume[];
  /** Programs from other images, put in `programs.dir` (read-only) before it starts. */
  readonly programs?: { readonly dir: string; readonly borrow: readonly BorrowedProgram[] };
  readonly scratch: readonly ScratchDir[];
  readonly ports: readonly ServicePort[];
  readonly probe: Probe;
  /** uid:gid it runs as; undefined keeps the image's user. */
  readonly user?: string;
  /** All capabilities are dropped but these; undefined keeps the image's defaults. */
  readonly capabilities?: readonly string[];
  readonly readOnlyRoot: boolean;
  /**
   * Whether a new instance may start before the old one stops, for a moment sharing its data (a
   * rolling update that keeps the service up). False where two instances would fight over local data.
   */
  readonly overlapOnUpdate: boolean;
  /** Whose limits it takes from the target's resources table. */
  readonly resources: ResourceRole;
  /** Ids of the services that must be up before it starts. */
  readonly dependsOn: readonly string[];
  /**
   * Ids of the services it opens connections to on the platform network. A target that can fence the
   * network (Kubernetes NetworkPolicy) lets a service's unpublished ports be reached by these only.
   */
  readonly connectsTo: readonly string[];
  /**
   * Ids of the services whose scrape-only ports (audience "scrapers") it reads. Where a target gives
   * such a port a network of its own, it joins that network, not its service's; elsewhere it reaches
   * the port as a client would.
   */
  readonly scrapes?: readonly string[];
}
