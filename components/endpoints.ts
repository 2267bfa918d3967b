import { ClientView } from "./render/clients";
import { PlatformSpec } from "./spec/types";

/** Where clients reach each published service, derived from the spec alone. */
export interface Endpoints {
  /** host:port of the registry. */
  readonly registry: string;
  readonly registryUrl: string;
  readonly uiUrl?: string;
  readonly mirrors: Readonly<Record<string, { readonly endpoint: string; readonly url: string; readonly upstream: string }>>;
  readonly clientView: ClientView;
}

export function endpointsOf(spec: PlatformSpec): Endpoints {
  const scheme = "http" as const;
  const hostAddress = (name: string) => (name === spec.hosts[0].name ? spec.domain : spec.hosts.find((h) => h.name === name)?.address ?? spec.domain);
  const registry = `${spec.domain}:${spec.ports.registry}`;
  const mirrors = Object.fromEntries(
    spec.mirrors.map((m) => {
      const endpoint = `${hostAddress(m.host)}:${m.port}`;
      return [m.name, { endpoint, url: `${scheme}://${endpoint}`, upstream: m.upstream }];
    }),
  );
  return {
    registry,
    registryUrl: `${scheme}://${registry}`,
    uiUrl: spec.ui.enabled ? `${scheme}://${spec.domain}:${spec.ports.ui}` : undefined,
    mirrors,
    clientView: {
      registry,
      scheme,
      mirrors: spec.mirrors.map((m) => ({ upstream: m.upstream, endpoint: mirrors[m.name].endpoint })),
    },
  };
}
