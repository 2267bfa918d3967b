import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { ClientSpec, Secret } from "../config/types";
import { ClientView } from "../render/clients";
import { dockerTrust, k3sTrust, kindTrust, remoteInvocation, TrustScripts } from "../render/clientTrust";
import { clientPaths } from "../render/paths";
import { containerdHostsFor, k3sRegistriesFor } from "./clientSnippets";

export interface ClientTrustArgs {
  readonly client: ClientSpec;
  /** The CA certificate the platform's edge chains to. */
  readonly caCertPem: pulumi.Input<string>;
  /** What clients see: registry and cache endpoints (https). */
  readonly view: ClientView;
  /** The k3s login's password, when the client pulls as a user. */
  readonly loginPassword?: Secret;
  /** The stack, so that two stacks writing to one node keep separate lists of what they own. */
  readonly stack: string;
}

/**
 * Puts the platform's CA and mirror settings on one client node over ssh, idempotently, and takes them
 * off again on destroy. A config edit runs the apply again in place: it writes what changed and
 * removes what the node no longer needs (the scripts keep a list of the files they own there).
 */
export class ClientTrust extends pulumi.ComponentResource {
  /** "changed" or "unchanged": what the last apply did on the node. */
  public readonly status: pulumi.Output<string>;

  constructor(name: string, args: ClientTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:clients:Trust", name, {}, opts);
    const { client } = args;
    const scripts = trustScriptsOf(args);
    const sudo = client.user !== "root";
    const apply = scripts.apply((s) => remoteInvocation(s.apply, sudo));
    const run = new command.remote.Command(
      `${name}-files`,
      {
        connection: { host: client.host, port: client.port, user: client.user, privateKey: client.privateKey, hostKey: client.hostKey },
        create: args.loginPassword ? pulumi.secret(apply) : apply,
        update: args.loginPassword ? pulumi.secret(apply) : apply,
        delete: scripts.apply((s) => remoteInvocation(s.remove, sudo)),
      },
      { parent: this, deleteBeforeReplace: true },
    );
    this.status = run.stdout.apply((out) => (out ?? "").trim().split("\n").pop() ?? "");
    this.registerOutputs({ status: this.status });
  }
}

/** The apply and remove scripts for one client node (what `npm run render` writes under clients/). */
export function trustScriptsOf(args: Pick<ClientTrustArgs, "client" | "caCertPem" | "view" | "loginPassword" | "stack">): pulumi.Output<TrustScripts> {
  return pulumi
    .all([args.caCertPem, args.loginPassword])
    .apply(([ca, password]) => scriptsFor(`${args.stack}-${args.client.name}`, args.client, args.view, ca, password));
}

/** The scripts for one client; with a public ACME CA (caPem "") there is no CA file to place. */
function scriptsFor(scope: string, client: ClientSpec, view: ClientView, caPem: string, password: string | undefined): TrustScripts {
  const ca = caPem !== "";
  switch (client.kind) {
    case "docker":
      return dockerTrust(scope, ca ? [view.registry, ...view.mirrors.map((m) => m.endpoint)] : [], caPem);
    case "k3s": {
      const login = client.login && password !== undefined ? { username: client.login, password } : undefined;
      const caFile = ca ? { path: clientPaths.k3sCa, content: caPem } : undefined;
      return k3sTrust(scope, k3sRegistriesFor(view, ca, login), caFile, client.service);
    }
    case "kind": {
      const hosts = containerdHostsFor(view, ca);
      const files = [
        ...(ca ? [{ path: clientPaths.containerdCa, content: caPem }] : []),
        ...Object.entries(hosts).map(([dir, content]) => ({ path: `${clientPaths.containerdCertsDir}/${dir}/hosts.toml`, content })),
      ];
      return kindTrust(scope, client.nodes, files);
    }
  }
}
