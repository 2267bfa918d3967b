/**
 * No secret-looking value in plain configuration: ConfigMaps, a pod's literal env values, Docker
 * uploads that are not the platform's secret files, Docker env. The policy SDK hands policies
 * secrets unwrapped, so this is decided by what a value looks like and where it goes; the stack tests
 * check under the offline engine that every secret is marked secret.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { at, list, record } from "./props";
import { secretName, secretsIn } from "./secretLooking";
import { DOCKER_CONTAINER, K8S_CONFIG_MAP, podSpecOf } from "./workloads";

export interface NoPlainSecretsConfig {
  /** Paths (glob `*` within a name) of the files Docker uploads that are the platform's secret files, marked secret by the program. */
  readonly secretFiles: string[];
}

function matches(path: string, glob: string): boolean {
  const re = new RegExp(`^${glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
  return re.test(path) || re.test(path.slice(path.lastIndexOf("/") + 1));
}

export const noPlainSecrets: ResourceValidationPolicy = {
  name: "no-plain-secrets",
  description: "No secret-looking value in plain env vars, plain ConfigMaps or plain uploaded files.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      secretFiles: {
        type: "array",
        items: { type: "string" },
        default: ["/staging/users", "/staging/names", "/staging/scrapers", "/staging/*.key", "/usr/local/etc/redis/auth.conf", "/etc/caddy/live/users", "/etc/caddy/live/names", "/etc/caddy/live/scrapers", "/etc/caddy/live/*.key"],
        description: "Uploaded files that are secret by design (the program marks them secret).",
      },
    },
  },
  remediationSteps: "Pass secrets as secret env or a separate secret file (Kubernetes: a Secret through secretKeyRef or envFrom), never in a rendered configuration file.",
  validateResource: (args, reportViolation) => {
    if (args.type === K8S_CONFIG_MAP) {
      for (const [key, value] of Object.entries(record(at(args.props, "data")))) {
        if (typeof value !== "string") continue;
        for (const what of secretsIn(value)) reportViolation(`${args.name}: key ${key} holds ${what}.`);
      }
      return;
    }
    if (args.type === DOCKER_CONTAINER) {
      const allowed = args.getConfig<NoPlainSecretsConfig>().secretFiles ?? [];
      for (const u of list(at(args.props, "uploads"))) {
        const file = at(u, "file");
        const content = at(u, "content");
        if (typeof file !== "string" || typeof content !== "string" || allowed.some((g) => matches(file, g))) continue;
        for (const what of secretsIn(content)) reportViolation(`${args.name}: the uploaded file ${file} holds ${what}.`);
      }
      for (const env of list(at(args.props, "envs"))) {
        if (typeof env !== "string") continue;
        for (const what of secretsIn(env.slice(env.indexOf("=") + 1))) reportViolation(`${args.name}: the env ${env.split("=")[0]} holds ${what}.`);
      }
      return;
    }
    const pod = podSpecOf(args.type, args.props);
    if (pod === undefined) return;
    for (const c of [...list(at(pod, "containers")), ...list(at(pod, "initContainers"))]) {
      for (const e of list(at(c, "env"))) {
        const name = String(at(e, "name"));
        const value = at(e, "value");
        if (typeof value !== "string") continue;
        if (secretName(name)) reportViolation(`${args.name}: container ${String(at(c, "name"))} has ${name} as a literal value; take it from a Secret (secretKeyRef or envFrom).`);
        for (const what of secretsIn(value)) reportViolation(`${args.name}: container ${String(at(c, "name"))}'s env ${name} holds ${what}.`);
      }
    }
  },
};
