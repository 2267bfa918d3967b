/** PlatformOutputs, the contract every target returns, built once from the description. */
import * as pulumi from "@pulumi/pulumi";
import { Secret } from "../config/types";
import { containerdHostsFor, daemonJsonFor, k3sRegistriesFor, kindClusterConfigFor, swarmServiceFor } from "./clientSnippets";
import { ScheduledJob } from "./jobs";
import { jobPaths } from "../render/paths";
import { PlatformDescription } from "./platform";

/** What the platform gives its users, exported as stack outputs. */
export interface PlatformOutputs {
  readonly registryUrl: string;
  readonly uiUrl?: string;
  /** Grafana through the edge (monitoring on). */
  readonly grafanaUrl?: string;
  /** Grafana's `admin` password, secret. */
  readonly grafanaPassword?: pulumi.Output<string>;
  readonly mirrors: Record<string, { url: string; upstream: string }>;
  readonly loginCommands: Record<string, string>;
  /** user → role (not secret). */
  readonly users: Record<string, string>;
  /** user → password, secret. */
  readonly credentials: pulumi.Output<Record<string, string>>;
  /** The CA certificate clients trust (internal and provided modes). */
  readonly caCertPem?: pulumi.Output<string>;
  /** The backup repository's password, secret: keep a copy off the NAS, no backup can be read without it. */
  readonly backupPassword?: pulumi.Output<string>;
  /** Each scheduled operation: when it runs, and the command that runs it by hand on the target. */
  readonly jobs: Record<string, { schedule: string; runByHand: string }>;
  /** What the last apply did on each client node ("changed" or "unchanged"). */
  readonly clientStatus?: Record<string, pulumi.Output<string>>;
  readonly clientSnippets: {
    readonly daemonJson: string;
    /** Secret when it carries a pull user's login. */
    readonly k3sRegistriesYaml: pulumi.Output<string>;
    readonly containerdHosts: Record<string, string>;
    /** A kind cluster config fragment: the nodes' containerd reads the hosts.toml files above. */
    readonly kindClusterConfig: string;
    /** Swarm mode: how a workload on the Swarm runs an image from the registry. */
    readonly swarmService?: string;
  };
}

/**
 * How a target runs a job by hand: Docker runs the platform's command in the scheduler's container
 * (`docker exec <container> …`); Kubernetes starts a Job from the job's CronJob.
 */
export type JobRunner = (job: ScheduledJob, command: string) => string;

export function platformOutputs(d: PlatformDescription, clientStatus: Record<string, pulumi.Output<string>> | undefined, runJob: JobRunner): PlatformOutputs {
  const { spec, endpoints, credentials } = d;
  const hasCa = d.caCertPem !== undefined;
  const view = endpoints.clientView;
  const pullUser = spec.users.find((u) => u.role === "pull");
  const credentialMap = pulumi.secret(pulumi.all(credentials.passwords as Record<string, Secret>).apply((p) => ({ ...p })));
  return {
    registryUrl: endpoints.registry.url,
    uiUrl: endpoints.ui?.url,
    grafanaUrl: endpoints.grafana?.url,
    grafanaPassword: d.grafanaPassword === undefined ? undefined : pulumi.secret(d.grafanaPassword),
    mirrors: Object.fromEntries(Object.entries(endpoints.mirrors).map(([k, v]) => [k, { url: v.url, upstream: v.upstream }])),
    loginCommands: Object.fromEntries(spec.users.map((u) => [u.name, `docker login ${endpoints.registry.address} --username ${u.name} --password-stdin`])),
    users: Object.fromEntries(spec.users.map((u) => [u.name, u.role])),
    credentials: credentialMap,
    caCertPem: d.caCertPem,
    backupPassword: d.backupPassword === undefined ? undefined : pulumi.secret(d.backupPassword),
    jobs: Object.fromEntries(
      d.jobs.map((j) => [j.name, { schedule: j.schedule ?? "by hand", runByHand: runJob(j, `${jobPaths.dir}/job.sh run ${j.name}${j.byHandArgs ? ` ${j.byHandArgs}` : ""}`) }]),
    ),
    clientStatus,
    clientSnippets: {
      daemonJson: daemonJsonFor(view),
      k3sRegistriesYaml: pullUser
        ? pulumi.secret(credentials.passwords[pullUser.name].apply((password) => k3sRegistriesFor(view, hasCa, { username: pullUser.name, password })))
        : pulumi.output(k3sRegistriesFor(view, hasCa)),
      containerdHosts: containerdHostsFor(view, hasCa),
      kindClusterConfig: kindClusterConfigFor(),
      swarmService: spec.target.kind === "docker" && spec.target.mode.kind === "swarm" ? swarmServiceFor(endpoints.registry.address) : undefined,
    },
  };
}
