/**
 * Nothing but the edge is reachable from outside: only its containers or Swarm services publish ports, only Services
 * selecting it are NodePorts or load balancers, NodePorts stay within 30000-32767, and no pod takes a
 * host port.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { at, list, record, UNKNOWN } from "./props";
import { DOCKER_CONTAINER, DOCKER_SERVICE, dockerLabel, K8S_SERVICE, podSpecOf } from "./workloads";

export interface EdgeOnlyConfig {
  /** Roles (Docker io.regstack.role, Kubernetes app.kubernetes.io/component) that may be published. */
  readonly publishedRoles: string[];
}

const NODE_PORTS = { min: 30000, max: 32767 };

export const edgeOnlyPublished: ResourceValidationPolicy = {
  name: "edge-only-published",
  description: "Only the edge publishes a port or a NodePort; NodePorts are within 30000-32767.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: { publishedRoles: { type: "array", items: { type: "string" }, default: ["edge"], description: "Roles that may publish ports." } },
  },
  remediationSteps: "Reach the service through the edge (a site in the Caddyfile); keep regstack:kubernetes.nodePorts and cache ports within 30000-32767.",
  validateResource: (args, reportViolation) => {
    const allowed = args.getConfig<EdgeOnlyConfig>().publishedRoles ?? [];
    if (args.type === DOCKER_CONTAINER || args.type === DOCKER_SERVICE) {
      const ports = args.type === DOCKER_SERVICE ? at(args.props, "endpointSpec", "ports") : at(args.props, "ports");
      const published = ports === UNKNOWN ? [UNKNOWN] : list(ports);
      const role = dockerLabel(args.props, "io.regstack.role");
      if (published.length > 0 && !allowed.includes(String(role))) reportViolation(`${args.name}: publishes ports but is ${role === undefined ? "unlabelled" : `the ${String(role)}`}, not the edge.`);
      return;
    }
    if (args.type === K8S_SERVICE) {
      const type = at(args.props, "spec", "type");
      if (type === "NodePort" || type === "LoadBalancer" || type === UNKNOWN) {
        const selector = record(at(args.props, "spec", "selector"));
        const component = selector["app.kubernetes.io/component"];
        if (!allowed.includes(String(component))) reportViolation(`${args.name}: a ${String(type === UNKNOWN ? "Service of unknown type" : type)} selecting ${component === undefined ? "no regstack component" : String(component)}, not the edge.`);
        for (const p of list(at(args.props, "spec", "ports"))) {
          const nodePort = at(p, "nodePort");
          if (typeof nodePort === "number" && (nodePort < NODE_PORTS.min || nodePort > NODE_PORTS.max)) reportViolation(`${args.name}: NodePort ${nodePort} is outside ${NODE_PORTS.min}-${NODE_PORTS.max}.`);
        }
      }
      return;
    }
    const pod = podSpecOf(args.type, args.props);
    if (pod === undefined) return;
    for (const c of [...list(at(pod, "containers")), ...list(at(pod, "initContainers"))]) {
      for (const p of list(at(c, "ports"))) if (at(p, "hostPort") !== undefined) reportViolation(`${args.name}: container ${String(at(c, "name"))} takes a host port.`);
    }
    if (at(pod, "hostNetwork") === true) reportViolation(`${args.name}: runs on the host's network.`);
  },
};
