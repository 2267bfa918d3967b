import { ClientView } from "./render/clients";
import { PlatformSpec } from "./spec/types";

/** One published service as clients reach it. */
export interface ServiceEndpoint {
  /** host[:port] clients use (no port when it is 443 behind the edge). */
  readonly address: string;
  readonly url: string;
  /** The port published on the host. */
  readonly port: number;
  /** Every name and IP the service answers to (certificate names, Caddy site addresses). */
  readonly names: readonly string[];
  /** The Docker host it runs on. */
  readonly host: string;
}

export interface MirrorEndpoint extends ServiceEndpoint {
  readonly upstream: string;
}

/** Where clients reach each published service, derived from the spec alone. */
export interface Endpoints {
  readonly scheme: "http" | "https";
  readonly registry: ServiceEndpoint;
  readonly ui?: ServiceEndpoint;
  readonly mirrors: Readonly<Record<string, MirrorEndpoint>>;
  readonly clientView: ClientView;
}

function withPort(name: string, port: number, scheme: "http" | "https"): string {
  return scheme === "https" && port === 443 ? name : `${name}:${port}`;
}

export function endpointsOf(spec: PlatformSpec): Endpoints {
  const scheme = spec.edge.enabled ? "https" : "http";
  const primary = spec.hosts[0];
  const byHost = spec.edge.enabled && spec.edge.routing === "host";
  const registryNames = [spec.domain, ...spec.tls.names, ...spec.tls.ips].filter((n, i, all) => all.indexOf(n) === i);
  const service = (host: string, names: readonly string[], port: number): ServiceEndpoint => {
    const address = withPort(names[0], port, scheme);
    return { address, url: `${scheme}://${address}`, port, names, host };
  };
  const hostNames = (hostName: string) =>
    hostName === primary.name ? registryNames : [spec.hosts.find((h) => h.name === hostName)!.address];

  const registry = service(primary.name, registryNames, byHost ? spec.edge.httpsPort : spec.ports.registry);
  const ui = spec.ui.enabled
    ? byHost
      ? service(primary.name, [`ui.${spec.domain}`], spec.edge.httpsPort)
      : service(primary.name, registryNames, spec.ports.ui)
    : undefined;
  const mirrors = Object.fromEntries(
    spec.mirrors.map((m) => {
      const endpoint = byHost ? service(m.host, [`${m.name}.${spec.domain}`], spec.edge.httpsPort) : service(m.host, hostNames(m.host), m.port);
      return [m.name, { ...endpoint, upstream: m.upstream }];
    }),
  );
  return {
    scheme,
    registry,
    ui,
    mirrors,
    clientView: {
      registry: registry.address,
      scheme,
      mirrors: spec.mirrors.map((m) => ({ upstream: m.upstream, endpoint: mirrors[m.name].address })),
    },
  };
}
