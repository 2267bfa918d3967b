/**
 * The Kubernetes target's composition root: it has the platform layer describe the platform, then
 * translates it into one namespace: a Deployment (with its files, claims and Services) per service
 * description, a CronJob per scheduled operation, the NetworkPolicies, and the cluster conventions.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesTarget, PlatformSpec } from "../config/types";
import { images } from "../images";
import { jobPaths } from "../render/paths";
import { ServiceDescription } from "../platform/description";
import { ScheduledJob } from "../platform/jobs";
import { PlatformOutputs, platformOutputs } from "../platform/outputs";
import { declareClientTrust, describePlatform, PlatformDescription } from "../platform/platform";
import { declareLocalRegistryHosting, replicasOf, workloadNames } from "./conventions";
import { cronJobName, KubernetesJobs } from "./cronJob";
import { PodFiles } from "./files";
import { stackLabels } from "./labels";
import { declareNetworkPolicies } from "./networkPolicy";
import { ClusterLookup } from "./podTemplate";
import { claimName, declareClaim, SMALL_CLAIM } from "./storage";
import { KubernetesService } from "./workload";

export interface KubernetesPlatformArgs {
  /** The validated spec. */
  readonly spec: PlatformSpec;
  /** Its target: the cluster, namespace, NodePorts, claims and pod resources. */
  readonly target: KubernetesTarget;
  /** Told the description once it is made (the offline engine renders files from it). */
  readonly onDescribed?: (description: PlatformDescription) => void;
}

/** How a job is run by hand: a Job made from its CronJob (with the job's arguments, when it takes some). */
function runByHand(namespace: string, job: ScheduledJob): string {
  const cronJob = cronJobName(job);
  const create = `kubectl -n ${namespace} create job --from=cronjob/${cronJob} ${cronJob}-by-hand-$(date +%s)`;
  if (!job.byHandArgs) return create;
  const args = job.byHandArgs.split(" ")[0];
  return `${create} --dry-run=client -o json | jq --arg a '${args}' '.spec.template.spec.containers[0].args += [$a]' | kubectl create -f -`;
}

/** The whole platform in one namespace of a cluster. */
export class KubernetesPlatform extends pulumi.ComponentResource {
  public readonly outputs: PlatformOutputs;

  constructor(name: string, args: KubernetesPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:kubernetes:Platform", name, {}, opts);
    const { spec, target } = args;
    const description = describePlatform(name, spec, this);
    args.onDescribed?.(description);

    const provider = new k8s.Provider(`${name}-cluster`, { kubeconfig: target.kubeconfig, context: target.context }, { parent: this });
    const labels = stackLabels(spec.stack);
    // Deleting a namespace deletes every claim in it: it is kept as the data is.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: target.namespace,
          labels: { ...labels, "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" },
        },
      },
      { parent: this, provider, protect: spec.data.protect, retainOnDelete: !spec.data.deleteOnDestroy },
    );
    const ns = namespace.metadata.name;

    const sharedNames = [...new Set(description.services.flatMap((d) => (d.sharedVolumes ?? []).map((v) => v.name)))];
    const sharedClaims = sharedNames.map((volume) =>
      declareClaim(`${name}-shared-${volume}`, {
        name: claimName(volume),
        size: SMALL_CLAIM,
        accessMode: target.storage.accessMode,
        storageClass: target.storage.storageClass,
        keep: { protect: false, retain: !spec.data.deleteOnDestroy },
        namespace: ns,
        labels,
        provider,
        parent: this,
      }),
    );

    const declared = new Map<string, PodFiles>();
    const lookup: ClusterLookup = {
      stack: spec.stack,
      accessMode: target.storage.accessMode,
      dataClaim: (id, dataName) => {
        const owner = description.services.find((d) => d.id === id);
        const data = dataName === undefined ? owner?.data : owner?.moreData?.find((m) => m.name === dataName);
        return data ? claimName(data.name) : undefined;
      },
      holderOf: (id) => {
        if (id !== description.schedulerId) return id;
        // The jobs' pods run beside the registry, whose data they mount.
        const runner = description.services.find((d) => d.id === id);
        return runner?.sharedData?.find((s) => s.what === "data")?.owner ?? id;
      },
      liveConfig: (id) => declared.get(id)?.liveConfig,
      sharedClaim: (volume) => claimName(volume),
      image: (role) => images[role],
    };

    const dependsOn = [namespace, ...sharedClaims];
    const runner = description.services.find((d) => d.id === description.schedulerId);
    const services = description.services.filter((d) => d !== runner);
    const edges: pulumi.Resource[] = [];
    for (const d of services) {
      const service = new KubernetesService(
        `${name}-${d.id}`,
        {
          description: d,
          names: workloadNames(d),
          namespace: ns,
          provider,
          resources: target.resources[d.resources],
          storage: target.storage,
          replicas: replicasOf(d, target.replicas),
          lookup,
          dependsOn,
        },
        { parent: this },
      );
      declared.set(d.id, service.files);
      if (d.ports.some((p) => p.published)) edges.push(service.deployment);
    }
    if (runner) {
      new KubernetesJobs(
        `${name}-jobs`,
        {
          runner,
          runCommand: (job) => ["node", `${jobPaths.dir}/scheduler.js`, "run", job.name],
          housekeeping: ["node", `${jobPaths.dir}/scheduler.js`, "tidy"],
          jobs: description.jobs,
          namespace: ns,
          provider,
          resources: target.resources[runner.resources],
          storage: target.storage,
          lookup,
          dependsOn,
        },
        { parent: this },
      );
    }
    declareNetworkPolicies(`${name}-network`, { stack: spec.stack, services: description.services as ServiceDescription[], namespace: ns, provider, parent: this });
    declareLocalRegistryHosting(name, description.endpoints, target.namespace, spec.stack, provider, this);

    const clientStatus = declareClientTrust(name, description, this, edges);
    this.outputs = platformOutputs(description, clientStatus, (job) => runByHand(target.namespace, job));
    this.registerOutputs({ registryUrl: this.outputs.registryUrl });
  }
}
