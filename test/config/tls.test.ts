import { webcrypto } from "crypto";
import { parseSpec } from "../../components/config/parse";
import { cacheIsOpen } from "../../components/platform/topology";
import { minimal, problemsOf, rawConfig } from "../support/config";
import { selfSigned } from "../support/pem";

const problems = problemsOf;

const lan = { ...minimal, bindAddress: "0.0.0.0", domain: "registry.home.lan" };

describe("TLS mode", () => {
  it("defaults to off on loopback and internal on a LAN bind", () => {
    expect(parseSpec(rawConfig(minimal)).tls.mode).toBe("off");
    const spec = parseSpec(rawConfig(lan));
    expect(spec.tls.mode).toBe("internal");
    expect(spec.edge).toEqual({ routing: "port", httpsPort: 443 });
  });

  it("refuses TLS off with a LAN bind", () => {
    expect(problems({ ...lan, tls: { mode: "off" } })).toEqual([
      { path: "regstack:tls.mode", message: expect.stringContaining("only allowed with a loopback regstack:bindAddress (got 0.0.0.0)") },
    ]);
  });

  it("keeps roles and anonymous pull with TLS off: the plain-HTTP edge enforces them on loopback", () => {
    const spec = parseSpec(rawConfig({ users: [{ name: "ci" }, { name: "k3s", role: "pull" }], access: { anonymousPull: true } }));
    expect(spec.tls.mode).toBe("off");
    expect(spec.users.map((u) => u.role)).toEqual(["push", "pull"]);
    expect(spec.access.anonymousPull).toBe(true);
  });

  it("refuses host routing without TLS (sites are told apart by name)", () => {
    expect(problems({ ...minimal, edge: { routing: "host" } })).toEqual([{ path: "regstack:edge.routing", message: expect.stringContaining("host routing needs TLS") }]);
  });

  it("acme needs an email and a public name, and no IPs", () => {
    const found = problems({ ...lan, tls: { mode: "acme", ips: ["10.0.0.5"] } });
    expect(found.map((p) => p.path).sort()).toEqual(["regstack:domain", "regstack:tls.email", "regstack:tls.ips"]);
    expect(found.find((p) => p.path === "regstack:domain")!.message).toMatch(/public DNS name .*"registry.home.lan"/);
    expect(problems({ ...lan, domain: "registry.example.org", tls: { mode: "acme", email: "ops@example.org" } })).toEqual([]);
  });

  it("refuses a bad email and an early renewal longer than the validity", () => {
    const found = problems({ ...lan, tls: { mode: "provided", email: "nope", validityHours: 100, earlyRenewalHours: 200 } });
    expect(found.map((p) => p.path).sort()).toEqual(["regstack:tls.earlyRenewalHours", "regstack:tls.email"]);
  });

  it("keeps internal leaves within the life of Caddy's intermediate, and defaults per mode", () => {
    expect(problems({ ...lan, tls: { mode: "internal", validityHours: 2160 } })).toEqual([
      { path: "regstack:tls.validityHours", message: expect.stringMatching(/at most 168 with mode internal/) },
    ]);
    expect(parseSpec(rawConfig(lan)).tls.validityHours).toBe(72);
    expect(parseSpec(rawConfig({ ...lan, tls: { mode: "provided" } })).tls.validityHours).toBe(2160);
  });
});

describe("supplied certificates", () => {
  it("accepts a matching certificate and key kept secret", async () => {
    const { cert, key } = await selfSigned("registry.home.lan");
    const spec = parseSpec(rawConfig({ ...lan, tls: { mode: "provided", certificate: { cert, key } } }, ["tls"]));
    expect(spec.tls.certificate!.cert).toBe(cert);
    expect(await (spec.tls.certificate!.key as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
  });

  it("refuses PEMs that do not parse", () => {
    const broken = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----";
    const badKey = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----";
    const found = problems({ ...lan, tls: { mode: "provided", certificate: { cert: broken, key: badKey } } }, ["tls"]);
    expect(found.map((p) => p.path).sort()).toEqual(["regstack:tls.certificate.cert", "regstack:tls.certificate.key"]);
    expect(found[0].message).toMatch(/parses/);
  });

  it("refuses text that is not PEM at all, a key that does not match, and a plaintext key", async () => {
    expect(problems({ ...lan, tls: { mode: "provided", certificate: { cert: "hello", key: "world" } } }, ["tls"]).map((p) => p.path).sort()).toEqual([
      "regstack:tls.certificate.cert",
      "regstack:tls.certificate.key",
    ]);
    const a = await selfSigned("registry.home.lan");
    const b = await selfSigned("b.home.lan");
    expect(problems({ ...lan, tls: { mode: "provided", certificate: { cert: a.cert, key: b.key } } }, ["tls"])).toEqual([
      { path: "regstack:tls.certificate.key", message: "does not match the certificate's public key" },
    ]);
    expect(problems({ ...lan, tls: { mode: "provided", certificate: a } }).map((p) => p.path)).toEqual(["regstack:tls.certificate.key"]);
  });

  it("refuses a certificate outside mode provided, and a CA that did not issue it", async () => {
    const a = await selfSigned("registry.home.lan");
    const b = await selfSigned("b.home.lan");
    const found = problems({ ...lan, tls: { mode: "internal", certificate: { ...a, ca: b.cert } } }, ["tls"]);
    expect(found.map((p) => p.path).sort()).toEqual(["regstack:tls.certificate", "regstack:tls.certificate.ca"]);
  });
});

describe("supplied certificates clients would refuse", () => {
  it("refuses one that does not cover the domain (by DNS name or IP)", async () => {
    const other = await selfSigned("other.home.lan");
    expect(problems({ ...lan, tls: { mode: "provided", certificate: other } }, ["tls"])).toEqual([
      { path: "regstack:tls.certificate.cert", message: 'does not cover regstack:domain "registry.home.lan" (clients would refuse it): supply one that names it' },
    ]);
    expect(problems({ ...lan, domain: "192.168.1.20", tls: { mode: "provided", certificate: other } }, ["tls"]).map((p) => p.message)).toEqual([
      'does not cover regstack:domain "192.168.1.20" (clients would refuse it): supply one that names it',
    ]);
  });

  it("refuses an expired one, and one that outlives the CA that issued it", async () => {
    const x509 = await import("@peculiar/x509");
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
    const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
    const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, "$1\n")}\n-----END PRIVATE KEY-----\n`;
    const day = 24 * 3600 * 1000;
    const make = async (from: number, to: number) =>
      (
        await x509.X509CertificateGenerator.createSelfSigned({
          serialNumber: "01",
          name: "CN=registry.home.lan",
          notBefore: new Date(Date.now() + from * day),
          notAfter: new Date(Date.now() + to * day),
          keys,
          signingAlgorithm: alg,
          extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "registry.home.lan" }]), new x509.BasicConstraintsExtension(true)],
        })
      ).toString("pem");
    const expired = await make(-30, -1);
    expect(problems({ ...lan, tls: { mode: "provided", certificate: { cert: expired, key } } }, ["tls"])).toEqual([
      { path: "regstack:tls.certificate.cert", message: expect.stringMatching(/^expired on \d{4}-\d\d-\d\dT.*: supply a current certificate$/) },
    ]);
    // Self-signed with one key: the "CA" below issued it, and expires before it.
    const long = await make(-1, 400);
    const shortCa = await make(-1, 30);
    expect(problems({ ...lan, tls: { mode: "provided", certificate: { cert: long, key, ca: shortCa } } }, ["tls"])).toEqual([
      { path: "regstack:tls.certificate.cert", message: expect.stringMatching(/^outlives its CA \(the CA expires .*\): clients stop trusting it then$/) },
    ]);
  });
});

describe("roles", () => {
  it("a role that is neither pull nor push names the key", () => {
    expect(problems({ ...lan, users: [{ name: "ci", role: "admin" }] })).toEqual([
      { path: "regstack:users[0].role", message: 'expected one of "push", "pull", got "admin"' },
    ]);
  });
});

describe("a LAN bind needs a name LAN clients can use", () => {
  it("refuses bindAddress 0.0.0.0 on the local engine without a domain, naming both keys", () => {
    const found = problems({ ...minimal, bindAddress: "0.0.0.0" });
    expect(found).toEqual([{ path: "regstack:domain", message: expect.stringMatching(/required with regstack:bindAddress 0\.0\.0\.0.*"localhost"/) }]);
  });

  it("accepts it with a domain, or with a host whose address is known", () => {
    expect(problems({ ...minimal, bindAddress: "0.0.0.0", domain: "registry.home.lan" })).toEqual([]);
    expect(problems({ ...minimal, bindAddress: "0.0.0.0", docker: { hosts: [{ name: "nas", url: "ssh://admin@pr4100.lan" }] } })).toEqual([]);
  });
});

describe("who may read a cache", () => {
  const open = (values: Record<string, unknown>) => {
    const spec = parseSpec(rawConfig(values, ["mirrors"]));
    return Object.fromEntries(spec.mirrors.map((m) => [m.name, cacheIsOpen(spec, m)]));
  };
  const hub = { name: "hub", upstream: "https://registry-1.docker.io", port: 5001 };

  it("opens caches on loopback, and beyond it only when the stack says so", () => {
    expect(open({ ...minimal, mirrors: [hub] })).toEqual({ hub: true });
    expect(open({ ...lan, mirrors: [hub] })).toEqual({ hub: false });
    expect(open({ ...lan, mirrors: [{ ...hub, public: true }] })).toEqual({ hub: true });
    expect(open({ ...lan, access: { anonymousPull: true }, mirrors: [hub] })).toEqual({ hub: true });
  });

  it("never opens a cache that holds upstream credentials, and refuses marking one public", () => {
    const priv = { ...hub, username: "bot", password: "token-token" };
    expect(open({ ...minimal, access: { anonymousPull: true }, mirrors: [priv] })).toEqual({ hub: false });
    expect(problems({ ...lan, mirrors: [{ ...priv, public: true }] }, ["mirrors"])).toEqual([{ path: "regstack:mirrors[0].public", message: expect.stringContaining("never public") }]);
  });
});
