/**
 * Scheduled operations on a cluster: one CronJob per ScheduledJob, each a pod made from the job
 * runner's description (the scheduler service Docker runs) that runs that one job with
 * `scheduler.js run <job>`. Its lock, timeout, metrics and notifications are the scheduler's own;
 * the group locks live on the runner's claim, which every job pod mounts, so backup, GC and
 * retention never overlap. concurrencyPolicy Forbid keeps a job from overlapping itself. A job
 * without a schedule (restore) is a suspended CronJob, run by hand with `kubectl create job --from`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesStorage, PodResources } from "../config/types";
import { ServiceDescription } from "../platform/description";
import { ScheduledJob } from "../platform/jobs";
import { declareFiles, PodFiles } from "./files";
import { serviceLabels } from "./labels";
import { ClusterLookup, podTemplate } from "./podTemplate";
import { declareDataClaims } from "./storage";

/** The CronJob of the scheduler's housekeeping. */
export const HOUSEKEEPING = "regstack-housekeeping";

/** A schedule that never comes (February 31st), for jobs run by hand only. */
const NEVER = "0 0 31 2 *";

/** The CronJob of a scheduled operation. */
export function cronJobName(job: ScheduledJob): string {
  return `regstack-${job.name}`;
}

export interface JobRunnerArgs {
  /** The pod every job runs in: scripts, env, mounts and borrowed programs. */
  readonly runner: ServiceDescription;
  /** Its command with the job's name and arguments added (`node scheduler.js run`). */
  readonly runCommand: (job: ScheduledJob) => readonly string[];
  /** The scheduled operations, one CronJob each. */
  readonly jobs: readonly ScheduledJob[];
  /**
   * What the scheduler's own loop does on Docker, run every few minutes here: its command (lift a
   * write freeze no running job holds, left by a job pod that was killed).
   */
  readonly housekeeping: readonly string[];
  /** The namespace everything goes in. */
  readonly namespace: pulumi.Input<string>;
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /** Requests and limits of each job's container. */
  readonly resources: PodResources;
  /** How the jobs' claims are sized and shared. */
  readonly storage: KubernetesStorage;
  /** Other services' claims and config, images, the stack. */
  readonly lookup: ClusterLookup;
  /** Objects that must exist before a job runs (the namespace, shared claims). */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class KubernetesJobs extends pulumi.ComponentResource {
  public readonly files: PodFiles;
  public readonly cronJobs: Record<string, k8s.batch.v1.CronJob> = {};
  /** The scheduler loop's housekeeping, every five minutes. */
  public readonly housekeeping: k8s.batch.v1.CronJob;

  constructor(name: string, args: JobRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:kubernetes:Jobs", name, {}, opts);
    const d = args.runner;
    const labels = serviceLabels(args.lookup.stack, d.id);
    const base = { namespace: args.namespace, labels, provider: args.provider, parent: this };
    this.files = declareFiles(name, { description: d, ...base });
    const claims = declareDataClaims(name, d.moreData ?? [], args.storage, base);
    for (const job of args.jobs) {
      const spec = podTemplate({ description: d, files: this.files, resources: args.resources, lookup: args.lookup, args: args.runCommand(job), restartPolicy: "Never" });
      this.cronJobs[job.name] = new k8s.batch.v1.CronJob(
        `${name}-${job.name}`,
        {
          metadata: { name: cronJobName(job), namespace: args.namespace, labels: { ...labels, "regstack.io/job": job.name } },
          spec: {
            schedule: job.schedule ?? NEVER,
            suspend: job.schedule === undefined,
            // Schedules are UTC, as the scheduler's are on Docker.
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            // A run missed by more than ten minutes (the cluster was down) waits for the next one.
            startingDeadlineSeconds: 600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
              metadata: { labels },
              spec: {
                // A failed run is reported and waits for its next schedule; it is not retried at once.
                backoffLimit: 0,
                // The scheduler stops the job at its own timeout; this is the backstop.
                activeDeadlineSeconds: job.timeoutSeconds + 300,
                ttlSecondsAfterFinished: 7 * 24 * 3600,
                template: {
                  metadata: { labels: { ...labels, "regstack.io/job": job.name }, annotations: { "regstack.io/restart-checksum": this.files.checksum } },
                  spec,
                },
              },
            },
          },
        },
        { parent: this, provider: args.provider, dependsOn: [...args.dependsOn, ...claims] },
      );
    }
    const spec = podTemplate({ description: d, files: this.files, resources: args.resources, lookup: args.lookup, args: args.housekeeping, restartPolicy: "Never" });
    this.housekeeping = new k8s.batch.v1.CronJob(
      `${name}-housekeeping`,
      {
        metadata: { name: HOUSEKEEPING, namespace: args.namespace, labels: { ...labels, "regstack.io/job": "housekeeping" } },
        spec: {
          schedule: "*/5 * * * *",
          timeZone: "Etc/UTC",
          concurrencyPolicy: "Forbid",
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels },
            spec: {
              backoffLimit: 0,
              activeDeadlineSeconds: 240,
              ttlSecondsAfterFinished: 3600,
              template: { metadata: { labels: { ...labels, "regstack.io/job": "housekeeping" }, annotations: { "regstack.io/restart-checksum": this.files.checksum } }, spec },
            },
          },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [...args.dependsOn, ...claims] },
    );
    this.registerOutputs({});
  }
}
