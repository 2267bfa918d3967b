import * as pulumi from "@pulumi/pulumi";
import { Endpoints, ServiceEndpoint } from "../endpoints";
import { EdgeSite, EdgeTls, EdgeUser, SiteAccess } from "../render/caddy";
import { edgePaths, registryPaths, serviceNames, uiPaths } from "../render/paths";
import { Authority } from "../pki/authority";
import { PlatformSpec } from "../spec/types";
import { Edge } from "./edge";
import { DockerHostRuntime } from "./host";
import { DataPolicy } from "./storage";

/** The sites an edge on `host` serves: the registry and UI on the first host, and its caches. */
export function sitesOn(host: string, spec: PlatformSpec, endpoints: Endpoints): EdgeSite[] {
  const site = (service: string, e: ServiceEndpoint, upstream: string, access: SiteAccess): EdgeSite => ({
    service,
    names: e.names,
    port: e.port,
    upstream,
    access,
  });
  const sites: EdgeSite[] = [];
  if (host === spec.hosts[0].name) {
    sites.push(site("registry", endpoints.registry, `${serviceNames.registry}:${registryPaths.port}`, "registry"));
    if (endpoints.ui) sites.push(site("ui", endpoints.ui, `${serviceNames.ui}:${uiPaths.port}`, "ui"));
  }
  for (const m of spec.mirrors.filter((x) => x.host === host)) {
    const access = m.username !== undefined ? "mirror-private" : "mirror-open";
    sites.push(site(`mirror ${m.name} (${m.upstream})`, endpoints.mirrors[m.name], `${serviceNames.mirror(m.name)}:${registryPaths.port}`, access));
  }
  return sites;
}

export interface EdgesArgs {
  readonly spec: PlatformSpec;
  readonly endpoints: Endpoints;
  readonly hosts: ReadonlyMap<string, DockerHostRuntime>;
  readonly authority: Authority;
  readonly users: pulumi.Output<EdgeUser[]>;
  readonly data: DataPolicy;
  /** Services per host the edge proxies to. */
  readonly backends: ReadonlyMap<string, pulumi.Resource[]>;
}

/** One edge per host that runs published services, all under one TLS mode and one CA. */
export function declareEdges(name: string, args: EdgesArgs, parent: pulumi.Resource): Edge[] {
  const { spec, authority } = args;
  const edges: Edge[] = [];
  for (const [hostName, host] of args.hosts) {
    const sites = sitesOn(hostName, spec, args.endpoints);
    if (sites.length === 0) continue;
    const edgeName = `${name}-${hostName}-edge`;
    let tls: EdgeTls;
    let files: { path: string; content: pulumi.Input<string> }[];
    switch (spec.tls.mode) {
      case "internal":
        tls = { mode: "internal", caName: "regstack", leafLifetimeHours: spec.tls.validityHours };
        files = [
          { path: edgePaths.rootCert, content: authority.caCertPem! },
          { path: edgePaths.rootKey, content: authority.rootKeyPem! },
        ];
        break;
      case "provided": {
        const names = [...new Set(sites.flatMap((s) => s.names))];
        const cert = authority.serverCertificate(edgeName, names);
        tls = { mode: "provided" };
        files = [
          { path: edgePaths.serverCert, content: cert.certPem },
          { path: edgePaths.serverKey, content: cert.keyPem },
        ];
        break;
      }
      case "acme":
        tls = { mode: "acme", email: spec.tls.email! };
        files = [];
        break;
      case "off":
        throw new Error("no edge when tls.mode is off");
    }
    edges.push(
      new Edge(
        edgeName,
        {
          host: spec.hosts.find((h) => h.name === hostName)!,
          runtime: host.runtime,
          image: host.image("edge"),
          toolsImage: host.image("tools"),
          limits: spec.resources.edge,
          sites,
          users: args.users,
          anonymousPull: spec.access.anonymousPull,
          tls,
          files,
          data: { protect: false, retain: args.data.retain },
          backends: args.backends.get(hostName) ?? [],
        },
        { parent },
      ),
    );
  }
  return edges;
}
