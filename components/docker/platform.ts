import * as pulumi from "@pulumi/pulumi";
import { ClientTrust } from "../clients/trust";
import { endpointsOf } from "../endpoints";
import { ImageRole } from "../images";
import { Authority } from "../pki/authority";
import { renderContainerdHosts, renderDaemonJson, renderK3sRegistries } from "../render/clients";
import { clientPaths } from "../render/paths";
import { PlatformSpec, Secret } from "../spec/types";
import { Credentials } from "./credentials";
import { declareEdges } from "./edges";
import { DockerHostRuntime } from "./host";
import { Mirror } from "./mirror";
import { RedisCache } from "./redisCache";
import { Registry } from "./registry";
import { RegistryUi } from "./registryUi";

export interface DockerPlatformArgs {
  readonly spec: PlatformSpec;
}

/** What the platform gives its users, exported as stack outputs. */
export interface PlatformOutputs {
  readonly registryUrl: string;
  readonly uiUrl?: string;
  readonly mirrors: Record<string, { url: string; upstream: string }>;
  readonly loginCommands: Record<string, string>;
  /** user → password, secret. */
  readonly credentials: pulumi.Output<Record<string, string>>;
  /** The CA certificate clients trust (internal and provided modes). */
  readonly caCertPem?: pulumi.Output<string>;
  /** What the last apply did on each client node ("changed" or "unchanged"). */
  readonly clientStatus?: Record<string, pulumi.Output<string>>;
  readonly clientSnippets: {
    readonly daemonJson: string;
    /** Secret when it carries a pull user's login. */
    readonly k3sRegistriesYaml: pulumi.Output<string>;
    readonly containerdHosts: Record<string, string>;
  };
}

/** The whole platform on one or more Docker hosts: the first host runs the registry, UI and Redis. */
export class DockerPlatform extends pulumi.ComponentResource {
  public readonly outputs: PlatformOutputs;

  constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Platform", name, {}, opts);
    const { spec } = args;
    const primary = spec.hosts[0];
    const registryImage: ImageRole = spec.registry.version === "3" ? "registry3" : "registry28";
    const edge = spec.edge.enabled;
    const publish = !edge;

    const hosts = new Map<string, DockerHostRuntime>();
    for (const host of spec.hosts) {
      const isPrimary = host === primary;
      const hasMirrors = spec.mirrors.some((m) => m.host === host.name);
      if (!isPrimary && !hasMirrors) continue;
      const roles: ImageRole[] = [registryImage, "tools"];
      if (isPrimary && spec.ui.enabled) roles.push("ui");
      if (isPrimary && spec.redis.enabled) roles.push("redis");
      if (edge) roles.push("edge");
      hosts.set(host.name, new DockerHostRuntime(`${name}-${host.name}`, { host, spec, roles }, { parent: this }));
    }
    const main = hosts.get(primary.name)!;
    const data = { protect: spec.data.protect, retain: !spec.data.deleteOnDestroy };
    const endpoints = endpointsOf(spec);

    const credentials = new Credentials(
      `${name}-users`,
      { users: spec.users, bcryptCost: spec.access.bcryptCost, runtime: main.runtime, toolsImage: main.image("tools"), writeHtpasswd: !edge },
      { parent: this },
    );

    const redis = spec.redis.enabled
      ? new RedisCache(
          `${name}-redis`,
          { runtime: main.runtime, image: main.image("redis"), maxMemoryMb: spec.redis.maxMemoryMb, limits: spec.resources.redis },
          { parent: this },
        )
      : undefined;

    const registry = new Registry(
      `${name}-registry`,
      {
        host: primary,
        runtime: main.runtime,
        version: spec.registry.version,
        image: main.image(registryImage),
        toolsImage: main.image("tools"),
        logLevel: spec.registry.logLevel,
        deleteEnabled: spec.registry.deleteEnabled,
        limits: spec.resources.registry,
        publishedPort: publish ? spec.ports.registry : undefined,
        corsOrigins: endpoints.ui ? [endpoints.ui.url] : [],
        notifications: spec.notifications,
        htpasswd: credentials.htpasswd && { volume: credentials.htpasswd.volume.name, writer: credentials.htpasswd.writer },
        redis: redis ? { address: redis.address, password: redis.password, container: redis.container } : undefined,
        data,
      },
      { parent: this },
    );
    const backends = new Map<string, pulumi.Resource[]>([[primary.name, [registry.container]]]);

    for (const mirror of spec.mirrors) {
      const host = hosts.get(mirror.host)!;
      const cache = new Mirror(
        `${name}-mirror-${mirror.name}`,
        {
          mirror,
          host: spec.hosts.find((h) => h.name === mirror.host)!,
          runtime: host.runtime,
          version: spec.registry.version,
          image: host.image(registryImage),
          toolsImage: host.image("tools"),
          logLevel: spec.registry.logLevel,
          limits: spec.resources.mirror,
          // A cache is kept on destroy like any data, but never protected: removing a mirror from the
          // config must not be blocked.
          data: { protect: false, retain: data.retain },
          publish,
        },
        { parent: this },
      );
      backends.set(mirror.host, [...(backends.get(mirror.host) ?? []), cache.container]);
    }

    if (spec.ui.enabled) {
      const ui = new RegistryUi(
        `${name}-ui`,
        {
          runtime: main.runtime,
          image: main.image("ui"),
          title: spec.ui.title,
          deleteEnabled: spec.registry.deleteEnabled,
          publishedPort: publish ? spec.ports.ui : undefined,
          limits: spec.resources.ui,
          registry: registry.container,
        },
        { parent: this },
      );
      backends.get(primary.name)!.push(ui.container);
    }

    let caCertPem: pulumi.Output<string> | undefined;
    let clientStatus: Record<string, pulumi.Output<string>> | undefined;
    if (edge) {
      const authority = new Authority(`${name}-pki`, { stack: spec.stack, tls: spec.tls }, { parent: this });
      caCertPem = authority.caCertPem;
      const edges = declareEdges(name, { spec, endpoints, hosts, authority, users: credentials.hashed, data, backends }, this);
      if (spec.clients.length > 0) {
        // A public ACME CA is trusted already: clients then only need their mirror settings.
        const ca = caCertPem ?? pulumi.output("");
        clientStatus = {};
        for (const client of spec.clients) {
          const trust = new ClientTrust(
            `${name}-client-${client.name}`,
            { client, stack: spec.stack, caCertPem: ca, view: endpoints.clientView, loginPassword: client.login ? credentials.passwords[client.login] : undefined },
            { parent: this, dependsOn: edges.map((e) => e.container) },
          );
          clientStatus[client.name] = trust.status;
        }
      }
    }

    const pullUser = spec.users.find((u) => u.role === "pull");
    const credentialMap = pulumi.secret(pulumi.all(credentials.passwords as Record<string, Secret>).apply((p) => ({ ...p })));
    this.outputs = {
      registryUrl: endpoints.registry.url,
      uiUrl: endpoints.ui?.url,
      mirrors: Object.fromEntries(Object.entries(endpoints.mirrors).map(([k, v]) => [k, { url: v.url, upstream: v.upstream }])),
      loginCommands: Object.fromEntries(
        spec.users.map((u) => [u.name, `docker login ${endpoints.registry.address} --username ${u.name} --password-stdin`]),
      ),
      credentials: credentialMap,
      caCertPem,
      clientStatus,
      clientSnippets: {
        daemonJson: renderDaemonJson(endpoints.clientView),
        k3sRegistriesYaml: pullUser
          ? pulumi.secret(
              credentials.passwords[pullUser.name].apply((password) =>
                renderK3sRegistries(endpoints.clientView, { username: pullUser.name, password }, edge && caCertPem ? clientPaths.k3sCa : undefined),
              ),
            )
          : pulumi.output(renderK3sRegistries(endpoints.clientView, undefined, edge && caCertPem ? clientPaths.k3sCa : undefined)),
        containerdHosts: renderContainerdHosts(endpoints.clientView, edge && caCertPem ? clientPaths.containerdCa : undefined),
      },
    };
    this.registerOutputs({ registryUrl: this.outputs.registryUrl });
  }
}
