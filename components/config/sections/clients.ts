/** Client nodes that get the platform's CA and mirror settings over ssh: `regstack:clients`. */
import * as pulumi from "@pulumi/pulumi";
import { CheckContext, duplicates, requireSecretAt } from "../checks";
import { int, listOf, object, oneOf, optional, required, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { dnsLabel, hostName, pem, userName } from "../patterns";
import { checkHostKey, hostKeyBody, hostKeyRule } from "../sshOptions";
import { ClientSpec, TlsMode } from "../types";

const client = object({
  name: required(str(dnsLabel), { type: "name", text: "Client name (resource names, `clientStatus` keys)." }),
  kind: required(oneOf(["docker", "k3s", "kind"] as const), {
    type: "`docker`/`k3s`/`kind`",
    text: "`docker`: `/etc/docker/certs.d/<host:port>/ca.crt` per endpoint. `k3s`: `/etc/rancher/k3s/registries.yaml` and its CA, restarting k3s only on change. `kind`: containerd `hosts.toml` and the CA inside each node container.",
  }),
  host: required(str(hostName), { type: "host name or IP", text: "ssh address (for kind: the Docker host of the node containers)." }),
  user: withDefault(str({ pattern: /^[a-z_][a-z0-9_-]{0,31}$/, expected: "a Unix user name" }), "root", {
    type: "Unix user",
    text: "ssh user; anyone else runs the scripts with `sudo -n`.",
  }),
  port: withDefault(int(1, 65535), 22, { type: "port", text: "ssh port." }),
  privateKey: optional(str({ ...pem("PRIVATE KEY"), secret: true }), {
    type: "secret PEM",
    default: "ssh agent",
    text: "ssh key: `pulumi config set --secret --path 'regstack:clients[0].privateKey' < ~/.ssh/id_ed25519`.",
  }),
  hostKey: optional(str(hostKeyRule), {
    type: "public key",
    default: "none: the connection checks no host key",
    text: "Pins the node's ssh host key (`ssh-keyscan -t ed25519 <host>` prints it after the name): the client-trust connection then refuses any other key.",
  }),
  nodes: optional(listOf(str({ pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, expected: "a container name" }), { min: 1 }), {
    type: "list",
    default: "`[kind-control-plane]`",
    text: "kind node containers (kind only).",
  }),
  service: optional(oneOf(["k3s", "k3s-agent"] as const), { type: "`k3s`/`k3s-agent`", default: "`k3s`", text: "k3s unit to restart (k3s only)." }),
  login: optional(str(userName), { type: "user name", default: "first `pull` user", text: "Registry user k3s pulls as (k3s only)." }),
});

export const clientKeys = {
  clients: withDefault(listOf(client), [], { type: "list", text: "Nodes that get the CA and mirror settings over ssh (needs a LAN edge: TLS on)." }),
};

type ClientRaw = {
  readonly name: string;
  readonly kind: "docker" | "k3s" | "kind";
  readonly host: string;
  readonly user: string;
  readonly port: number;
  readonly privateKey?: string;
  readonly hostKey?: string;
  readonly nodes?: readonly string[];
  readonly service?: "k3s" | "k3s-agent";
  readonly login?: string;
};

export function checkClients(
  raw: { clients: readonly ClientRaw[]; users: readonly { name: string; role: string }[]; access: { readonly anonymousPull: boolean } },
  tlsMode: TlsMode,
  ctx: CheckContext,
  issues: IssueList,
): void {
  duplicates(raw.clients, (c) => c.name, (i) => `regstack:clients[${i}].name`, "client name", issues);
  const users = raw.users.map((u) => u.name);
  raw.clients.forEach((c, i) => {
    const at = `regstack:clients[${i}]`;
    if (tlsMode === "off") {
      issues.add(at, 'needs a LAN edge: with regstack:tls.mode "off" the platform listens on loopback only, which no other node reaches');
    }
    if (c.nodes !== undefined && c.kind !== "kind") issues.add(`${at}.nodes`, "applies to kind clients only");
    if (c.service !== undefined && c.kind !== "k3s") issues.add(`${at}.service`, "applies to k3s clients only");
    if (c.login !== undefined && c.kind !== "k3s") issues.add(`${at}.login`, "applies to k3s clients only (registries.yaml carries it; Docker hosts use docker login, kind nodes imagePullSecrets)");
    if (c.login !== undefined && !users.includes(c.login)) issues.add(`${at}.login`, `expected one of regstack:users (${users.join(", ")}), got "${c.login}"`);
    if (c.kind === "k3s" && c.login === undefined && !raw.users.some((u) => u.role === "pull") && !raw.access.anonymousPull) {
      issues.add(`${at}.login`, "a k3s node pulls with a login, and there is no pull user to default to: add a user with role pull, name one here, or open reads with regstack:access.anonymousPull");
    }
    if (c.privateKey !== undefined) requireSecretAt(`${at}.privateKey`, ctx, issues, " < key");
    checkHostKey(c.hostKey, `${at}.hostKey`, issues);
  });
}

export function buildClients(raw: { clients: readonly ClientRaw[]; users: readonly { name: string; role: string }[] }): ClientSpec[] {
  return raw.clients.map((c) => ({
    name: c.name,
    kind: c.kind,
    host: c.host,
    user: c.user,
    port: c.port,
    privateKey: c.privateKey === undefined ? undefined : pulumi.secret(c.privateKey),
    hostKey: c.hostKey === undefined ? undefined : hostKeyBody(c.hostKey),
    nodes: c.kind === "kind" ? (c.nodes ?? ["kind-control-plane"]) : [],
    service: c.service ?? "k3s",
    login: c.login ?? (c.kind === "k3s" ? raw.users.find((u) => u.role === "pull")?.name : undefined),
  }));
}
