/**
 * The namespace's fence: nothing reaches a pod unless a policy lets it. A service's published ports
 * (the edge's) are open to everyone; its other ports only to the pods of the services that connect
 * to it (ServiceDescription.connectsTo), and a scrape-only port (the registry's debug listener) only
 * to the pods that scrape it (ServiceDescription.scrapes). Outgoing traffic stays open: the caches reach their
 * upstreams, the registry its notification endpoints, the jobs their backup backends.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ServiceDescription } from "../platform/description";
import { podSelector, stackLabels } from "./labels";

export interface NetworkPolicyArgs {
  /** The stack, in the labels that select pods. */
  readonly stack: string;
  /** Every service (the job runner included): their ports and whom they connect to. */
  readonly services: readonly ServiceDescription[];
  /** The namespace fenced. */
  readonly namespace: pulumi.Input<string>;
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /** The component they are children of. */
  readonly parent: pulumi.Resource;
}

/** The ingress rules of one service: who may open which of its ports. */
export function ingressOf(stack: string, d: ServiceDescription, all: readonly ServiceDescription[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
  const port = (p: { port: number }) => ({ port: p.port, protocol: "TCP" });
  const rules: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [];
  const published = d.ports.filter((p) => p.published);
  if (published.length > 0) rules.push({ ports: published.map(port) });
  const internal = d.ports.filter((p) => !p.published);
  const from = (peers: readonly ServiceDescription[]) => peers.map((c) => ({ podSelector: { matchLabels: podSelector(stack, c.id) } }));
  const clientPorts = internal.filter((p) => (p.audience ?? "clients") === "clients");
  const clients = all.filter((c) => c.id !== d.id && c.connectsTo.includes(d.id));
  if (clientPorts.length > 0 && clients.length > 0) rules.push({ from: from(clients), ports: clientPorts.map(port) });
  // A debug listener: its scrapers alone (Prometheus), not the services that use its API.
  const scrapePorts = internal.filter((p) => p.audience === "scrapers");
  const scrapers = all.filter((c) => c.id !== d.id && (c.scrapes ?? []).includes(d.id));
  if (scrapePorts.length > 0 && scrapers.length > 0) rules.push({ from: from(scrapers), ports: scrapePorts.map(port) });
  // An audience of "self" gets no rule: only the kubelet's probe reaches it.
  return rules;
}

export function declareNetworkPolicies(name: string, args: NetworkPolicyArgs): k8s.networking.v1.NetworkPolicy[] {
  const opts = { parent: args.parent, provider: args.provider };
  const labels = stackLabels(args.stack);
  const policies = [
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      { metadata: { name: "default-deny", namespace: args.namespace, labels }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
      opts,
    ),
  ];
  for (const d of args.services) {
    const ingress = ingressOf(args.stack, d, args.services);
    if (ingress.length === 0) continue;
    policies.push(
      new k8s.networking.v1.NetworkPolicy(
        `${name}-allow-${d.id}`,
        { metadata: { name: `allow-${d.id}`, namespace: args.namespace, labels }, spec: { podSelector: { matchLabels: podSelector(args.stack, d.id) }, policyTypes: ["Ingress"], ingress } },
        opts,
      ),
    );
  }
  return policies;
}
