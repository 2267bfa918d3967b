/** TLS and the edge: `regstack:domain`, `regstack:tls`, `regstack:edge`. */
import * as pulumi from "@pulumi/pulumi";
import { createPrivateKey, X509Certificate } from "crypto";
import { CheckContext, requireSecretAt } from "../checks";
import { int, listOf, object, oneOf, optional, required, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { email, hostName, ipv4, isLoopback, isPublicDnsName, pem } from "../patterns";
import { EdgeRouting, TlsMode, TlsSpec } from "../types";
import { edgePaths } from "../../render/paths";
import { grafanaRuns } from "./monitoring";

/** Caddy's internal issuer caps a leaf's lifetime at its intermediate lifetime setting (7 days). */
export const INTERNAL_MAX_HOURS = 168;

export const tlsKeys = {
  domain: optional(str(hostName), { type: "host name", default: "first host's address", text: "Name clients use for the registry." }),
  tls: section(
    {
      mode: optional(oneOf(["off", "internal", "provided", "acme"] as const), {
        type: "`off`/`internal`/`provided`/`acme`",
        default: "`off` on a loopback bind, else `internal`",
        text: "`off`: plain HTTP at the edge, loopback binds only. `internal`: Caddy's CA signs leaves with an intermediate issued by a root regstack generates (the root key stays in Pulumi state; `caCertPem` is exported). `provided`: a CA and server certificate generated with @pulumi/tls, or the PEMs in `certificate`. `acme`: a public CA (needs a public `domain` and `email`).",
      }),
      email: optional(str(email), { type: "email", text: "ACME account contact (acme only)." }),
      names: withDefault(listOf(str(hostName)), [], { type: "list of DNS names", text: "Extra names the registry answers to (in the certificate and the edge's sites)." }),
      ips: withDefault(listOf(str(ipv4)), [], { type: "list of IPv4", text: "Extra IPs the registry answers to (not with acme)." }),
      validityHours: optional(int(24, 87600, " hours"), {
        type: "hours",
        default: "`72` (internal), `2160` (provided)",
        text: `Server certificate lifetime. Internal: Caddy's short-lived leaves (at most ${INTERNAL_MAX_HOURS}), renewed by Caddy with a third of their life left. Provided: the generated certificate.`,
      }),
      earlyRenewalHours: withDefault(int(1, 8760, " hours"), 720, {
        type: "hours",
        text: "Generated certificates (the provided server certificate, the internal intermediate) are replaced by `pulumi up` this long before they expire.",
      }),
      caValidityHours: withDefault(int(720, 175200, " hours"), 87600, { type: "hours", text: "Lifetime of the root CA regstack generates (internal and provided)." }),
      certificate: optional(
        object({
          cert: required(str(pem("CERTIFICATE")), { type: "PEM", text: "Server certificate chain." }),
          key: required(str({ ...pem("PRIVATE KEY"), secret: true }), {
            type: "secret PEM",
            text: "Its private key: `pulumi config set --secret --path 'regstack:tls.certificate.key' < key.pem`.",
          }),
          ca: optional(str(pem("CERTIFICATE")), { type: "PEM", text: "The CA that issued it, exported as `caCertPem` for clients." }),
        }),
        { type: "object", text: "Supplied PEMs for mode `provided` (the whole `regstack:tls` key becomes secret)." },
      ),
    },
    { type: "object", text: "TLS at the edge." },
  ),
  edge: section(
    {
      routing: withDefault(oneOf(["port", "host"] as const), "port", {
        type: "`port` or `host`",
        text: "`port`: each service on its own port of the domain. `host`: all on `httpsPort`, as `<domain>`, `ui.<domain>`, `<mirror>.<domain>` (DNS needed; TLS only).",
      }),
      httpsPort: withDefault(int(1, 65535), 443, { type: "port", text: "The edge's port with host routing." }),
    },
    { type: "object", text: "The Caddy edge, the only published service on every stack." },
  ),
};

type TlsRaw = {
  readonly mode?: TlsMode;
  readonly email?: string;
  readonly names: readonly string[];
  readonly ips: readonly string[];
  readonly validityHours?: number;
  readonly earlyRenewalHours: number;
  readonly caValidityHours: number;
  readonly certificate?: { readonly cert: string; readonly key: string; readonly ca?: string };
};

/** What the TLS checks read from other sections. */
export interface TlsCheckInput {
  readonly tls: TlsRaw;
  readonly edge: { readonly routing: EdgeRouting; readonly httpsPort: number };
  readonly domain?: string;
  readonly bindAddress: string;
  readonly target: "docker" | "kubernetes";
  readonly ports: { readonly registry: number; readonly ui: number; readonly grafana: number };
  readonly mirrors: readonly { readonly name: string; readonly port: number }[];
  readonly ui: { readonly enabled: boolean };
  readonly monitoring: { readonly enabled: boolean; readonly grafana: boolean };
}

/** TLS off is allowed on a loopback bind only; the default follows the bind. */
export function tlsModeOf(raw: { tls: { mode?: TlsMode }; bindAddress: string; target: "docker" | "kubernetes" }): TlsMode {
  return raw.tls.mode ?? (onLoopbackOnly(raw) ? "off" : "internal");
}

/** Whether the edge is reached on loopback only: never on a cluster, whose NodePorts listen on every node address. */
function onLoopbackOnly(raw: { bindAddress: string; target: "docker" | "kubernetes" }): boolean {
  return raw.target === "docker" && isLoopback(raw.bindAddress);
}

/** Server certificate lifetime: short-lived leaves Caddy renews itself, or a 90-day generated one. */
function validityOf(mode: TlsMode, given: number | undefined): number {
  return given ?? (mode === "internal" ? 72 : 2160);
}

export function checkTls(raw: TlsCheckInput, ctx: CheckContext, issues: IssueList): void {
  const mode = tlsModeOf(raw);
  const tls = raw.tls;
  if (mode === "off" && raw.target === "kubernetes") {
    issues.add("regstack:tls.mode", '"off" serves registry logins in clear text, and NodePorts listen on every node address: use "internal" or "provided" on kubernetes');
  } else if (mode === "off" && !isLoopback(raw.bindAddress)) {
    issues.add("regstack:tls.mode", `"off" serves registry logins in clear text; it is only allowed with a loopback regstack:bindAddress (got ${raw.bindAddress}); use "internal", "provided" or "acme"`);
  }
  if (mode === "off" && raw.edge.routing === "host") {
    issues.add("regstack:edge.routing", 'host routing needs TLS (names are told apart by SNI); use "port" with regstack:tls.mode "off"');
  }
  if (mode === "acme") {
    if (tls.email === undefined) issues.add("regstack:tls.email", "is required with mode acme (the ACME account's contact)");
    const domain = raw.domain ?? "";
    if (!isPublicDnsName(domain)) {
      issues.add("regstack:domain", `mode acme needs a public DNS name a public CA can validate, got ${domain ? `"${domain}"` : "none"}`);
    }
    if (tls.ips.length > 0) issues.add("regstack:tls.ips", "a public ACME CA does not issue certificates for IP addresses; remove them or use mode internal/provided");
    if (raw.edge.routing === "port" && raw.target === "docker") {
      const ports = [raw.ports.registry, raw.ports.ui, ...raw.mirrors.map((m) => m.port)];
      if (ports.includes(80)) issues.add("regstack:ports", "port 80 is taken by the ACME HTTP challenge");
    }
  }
  checkEdgeNames(raw, mode, issues);
  if (tls.certificate !== undefined) {
    if (mode !== "provided") issues.add("regstack:tls.certificate", 'applies to mode "provided" only');
    checkPems(tls.certificate, issues, raw.domain);
    requireSecretAt("regstack:tls.certificate.key", ctx, issues, " < key.pem");
  }
  const validity = validityOf(mode, tls.validityHours);
  if (mode === "internal" && validity > INTERNAL_MAX_HOURS) {
    issues.add("regstack:tls.validityHours", `expected at most ${INTERNAL_MAX_HOURS} with mode internal (Caddy's internal issuer caps its leaves at 7 days), got ${validity}`);
  }
  if (mode === "provided" && tls.earlyRenewalHours >= validity) {
    issues.add("regstack:tls.earlyRenewalHours", `expected less than regstack:tls.validityHours (${validity}), got ${tls.earlyRenewalHours}`);
  }
}

/**
 * What the edge's own ports and names leave free: a published port is never one the edge uses
 * inside (its metrics listener); with host routing, services are named `<name>.<domain>`, so the
 * domain is a DNS name and no cache takes the UI's name; ACME needs a public address and port 80.
 */
function checkEdgeNames(raw: TlsCheckInput, mode: TlsMode, issues: IssueList): void {
  if (raw.target === "docker" && raw.edge.routing === "port") {
    const published: { port: number; path: string }[] = [
      { port: raw.ports.registry, path: "regstack:ports.registry" },
      ...(raw.ui.enabled ? [{ port: raw.ports.ui, path: "regstack:ports.ui" }] : []),
      ...(grafanaRuns(raw) ? [{ port: raw.ports.grafana, path: "regstack:ports.grafana" }] : []),
      ...raw.mirrors.map((m, i) => ({ port: m.port, path: `regstack:mirrors[${i}].port` })),
    ];
    for (const p of published) {
      if (p.port === edgePaths.metricsPort) issues.add(p.path, `port ${p.port} is the edge's internal metrics listener: choose another`);
    }
  }
  if (raw.edge.routing === "host") {
    const domain = raw.domain ?? "";
    if (ipv4.pattern!.test(domain)) issues.add("regstack:domain", `host routing names services ui.<domain> and <cache>.<domain>, which needs a DNS name, not the IP ${domain}; use port routing for an IP`);
    raw.mirrors.forEach((m, i) => {
      if (m.name === "ui" && raw.ui.enabled) issues.add(`regstack:mirrors[${i}].name`, 'with host routing "ui" is the UI\'s name (ui.<domain>): name the cache otherwise');
      if (m.name === "grafana" && grafanaRuns(raw)) issues.add(`regstack:mirrors[${i}].name`, 'with host routing "grafana" is Grafana\'s name (grafana.<domain>): name the cache otherwise');
    });
    if (mode === "acme" && raw.edge.httpsPort === 80) issues.add("regstack:edge.httpsPort", "port 80 is taken by the ACME HTTP challenge");
  }
  if (mode === "acme" && raw.target === "docker" && isLoopback(raw.bindAddress)) {
    issues.add("regstack:tls.mode", `"acme" needs the edge reachable from the internet, and regstack:bindAddress ${raw.bindAddress} is loopback`);
  }
}

function checkPems(certificate: { cert: string; key: string; ca?: string }, issues: IssueList, domain?: string): void {
  const at = "regstack:tls.certificate";
  let cert: X509Certificate | undefined;
  try {
    cert = new X509Certificate(certificate.cert);
  } catch (err) {
    issues.add(`${at}.cert`, `expected a PEM certificate that parses (${(err as Error).message})`);
  }
  try {
    const key = createPrivateKey(certificate.key);
    if (cert && !cert.checkPrivateKey(key)) issues.add(`${at}.key`, "does not match the certificate's public key");
  } catch (err) {
    // The parser's message is about the key's bytes: it is not repeated, the key being a secret.
    issues.add(`${at}.key`, "expected a PEM private key that parses");
  }
  if (cert) {
    // A certificate clients would refuse: expired (or not yet valid), or not for the registry's name.
    const now = Date.now();
    if (Date.parse(cert.validTo) <= now) issues.add(`${at}.cert`, `expired on ${new Date(cert.validTo).toISOString()}: supply a current certificate`);
    else if (Date.parse(cert.validFrom) > now) issues.add(`${at}.cert`, `is not valid before ${new Date(cert.validFrom).toISOString()}`);
    if (domain !== undefined && domain !== "") {
      const covered = ipv4.pattern!.test(domain) ? cert.checkIP(domain) !== undefined : cert.checkHost(domain) !== undefined;
      if (!covered) issues.add(`${at}.cert`, `does not cover regstack:domain "${domain}" (clients would refuse it): supply one that names it`);
    }
  }
  if (certificate.ca !== undefined) {
    try {
      const ca = new X509Certificate(certificate.ca);
      if (cert && !cert.checkIssued(ca)) issues.add(`${at}.ca`, "did not issue the certificate");
      else if (cert && Date.parse(cert.validTo) > Date.parse(ca.validTo)) {
        issues.add(`${at}.cert`, `outlives its CA (the CA expires ${new Date(ca.validTo).toISOString()}): clients stop trusting it then`);
      }
    } catch (err) {
      issues.add(`${at}.ca`, `expected a PEM CA certificate that parses (${(err as Error).message})`);
    }
  }
}

export function buildTls(raw: { tls: TlsRaw; bindAddress: string; target: "docker" | "kubernetes" }): TlsSpec {
  const mode = tlsModeOf(raw);
  const t = raw.tls;
  return {
    mode,
    email: t.email,
    names: t.names,
    ips: t.ips,
    validityHours: validityOf(mode, t.validityHours),
    earlyRenewalHours: t.earlyRenewalHours,
    caValidityHours: t.caValidityHours,
    certificate: t.certificate && { cert: t.certificate.cert, key: pulumi.secret(t.certificate.key), ca: t.certificate.ca },
  };
}
