/**
 * An edge reached beyond loopback serves TLS: a Docker edge publishing on a non-loopback address, a
 * Swarm edge (every node address), or a Kubernetes edge behind a NodePort (every node address), has no plain `http://` site on those
 * ports in the Caddyfile it runs. Plain HTTP is only for a loopback-only stack.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { at, list, record, UNKNOWN } from "./props";
import { DOCKER_CONTAINER, DOCKER_SERVICE, dockerLabel, K8S_CONFIG_MAP, K8S_SERVICE } from "./workloads";

const SWARM_CONFIG = "docker:index/serviceConfig:ServiceConfig";

/** Ports with a plain-HTTP site in a Caddyfile (`http://…:port {`). */
export function plainHttpPorts(caddyfile: string): number[] {
  return [...caddyfile.matchAll(/^http:\/\/[^\s{,]*:(\d+)[\s,{]/gm)].map((m) => Number(m[1]));
}

function caddyfileUploadedBeside(edge: PolicyResource, resources: readonly PolicyResource[]): unknown {
  for (const r of resources) {
    if (r.type !== DOCKER_CONTAINER || r.parent === undefined || r.parent.urn !== edge.parent?.urn) continue;
    for (const u of list(at(r.props, "uploads"))) {
      const file = at(u, "file");
      if (typeof file === "string" && file.endsWith("/Caddyfile")) return at(u, "content");
    }
  }
  return undefined;
}

/** A Swarm edge's Caddyfile: the config beside it labelled with that path (base64 data). */
function caddyfileConfigBeside(edge: PolicyResource, resources: readonly PolicyResource[]): unknown {
  for (const r of resources) {
    if (r.type !== SWARM_CONFIG || r.parent === undefined || r.parent.urn !== edge.parent?.urn) continue;
    const path = dockerLabel(r.props, "io.regstack.path");
    if (typeof path !== "string" || !path.endsWith("/Caddyfile")) continue;
    const data = at(r.props, "data");
    return typeof data === "string" ? Buffer.from(data, "base64").toString("utf8") : data;
  }
  return undefined;
}

const loopback = (ip: unknown) => typeof ip === "string" && /^127\./.test(ip);

/** A Docker edge as this policy sees it: its ports published beyond loopback, and how to find its Caddyfile. */
interface DockerEdge {
  /** Each port inside the edge, and where it is published. */
  readonly ports: readonly { readonly port: unknown; readonly where: string }[];
  /** How far it publishes, in the messages. */
  readonly reach: string;
  readonly caddyfile: () => unknown;
}

/** A container edge (its non-loopback ports) or a Swarm edge (a Swarm port has no address: every node's). */
function dockerEdge(r: PolicyResource, resources: readonly PolicyResource[]): DockerEdge | undefined {
  if (dockerLabel(r.props, "io.regstack.role") !== "edge") return undefined;
  if (r.type === DOCKER_CONTAINER) {
    const wide = list(at(r.props, "ports")).filter((p) => !loopback(at(p, "ip")));
    return { ports: wide.map((p) => ({ port: at(p, "internal"), where: String(at(p, "ip") ?? "every address") })), reach: "beyond loopback", caddyfile: () => caddyfileUploadedBeside(r, resources) };
  }
  if (r.type === DOCKER_SERVICE) {
    const ports = list(at(r.props, "endpointSpec", "ports"));
    return { ports: ports.map((p) => ({ port: at(p, "targetPort"), where: "every node address" })), reach: "on every node address", caddyfile: () => caddyfileConfigBeside(r, resources) };
  }
  return undefined;
}

export const tlsBeyondLoopback: StackValidationPolicy = {
  name: "tls-beyond-loopback",
  description: "TLS is required whenever the edge publishes beyond loopback.",
  enforcementLevel: "mandatory",
  remediationSteps: 'Use regstack:tls.mode "internal", "provided" or "acme" for a LAN bind or a cluster; "off" is only for a loopback regstack:bindAddress.',
  validateStack: (args, reportViolation) => {
    for (const r of args.resources) {
      const edge = dockerEdge(r, args.resources);
      if (edge && edge.ports.length > 0) {
        const caddyfile = edge.caddyfile();
        if (typeof caddyfile !== "string") {
          reportViolation(`${r.name}: publishes ${edge.reach} and its Caddyfile ${caddyfile === UNKNOWN ? "is unknown at preview" : "was not found"}, so TLS cannot be shown.`, r.urn);
          continue;
        }
        const plain = plainHttpPorts(caddyfile);
        for (const p of edge.ports) if (plain.includes(Number(p.port))) reportViolation(`${r.name}: serves plain HTTP on port ${String(p.port)}, published on ${p.where}.`, r.urn);
      }
      if (r.type === K8S_SERVICE && ["NodePort", "LoadBalancer"].includes(String(at(r.props, "spec", "type")))) {
        const component = record(at(r.props, "spec", "selector"))["app.kubernetes.io/component"];
        const config = args.resources.find((c) => c.type === K8S_CONFIG_MAP && record(at(c.props, "metadata", "labels"))["app.kubernetes.io/component"] === component && typeof at(c.props, "data", "Caddyfile") === "string");
        if (!config) {
          reportViolation(`${r.name}: exposes ${String(component)} on every node address, and no Caddyfile of it was found to show TLS.`, r.urn);
          continue;
        }
        const plain = plainHttpPorts(String(at(config.props, "data", "Caddyfile")));
        for (const p of list(at(r.props, "spec", "ports"))) {
          if (plain.includes(Number(at(p, "targetPort") ?? at(p, "port")))) reportViolation(`${r.name}: port ${String(at(p, "port"))} is plain HTTP on every node address.`, r.urn);
        }
      }
    }
  },
};
