/**
 * The stack config schema: every `regstack:*` key, its shape and its default.
 * Defaults live here and nowhere else.
 */
import {
  bool, decimal, int, listOf, mapOf, object, oneOf, optional, section, str, withDefault,
} from "./decoders";
import {
  absolutePath, byteSize, email, pem, dnsLabel, dockerEndpoint, duration, headerName, hostName, httpsUrl, ipv4, userName,
} from "./patterns";

const port = int(1, 65535);

const limits = (memoryMb: number, cpus: string) =>
  section({
    memoryMb: withDefault(int(16, 65536, " (MiB)"), memoryMb),
    cpus: withDefault(decimal(0.05, 64), cpus),
  });

const LOCAL_DOCKER = "unix:///var/run/docker.sock";

const dockerHost = object({
  name: str(dnsLabel),
  url: str(dockerEndpoint),
  sshOpts: withDefault(listOf(str()), []),
  address: optional(str(hostName)),
  dataPath: optional(str(absolutePath)),
});

const user = object({
  name: str(userName),
  role: withDefault(oneOf(["push", "pull"] as const), "push"),
  password: optional(str({ minLength: 12, expected: "a password" })),
});

const mirror = object({
  name: str(dnsLabel),
  upstream: str(httpsUrl),
  port,
  host: optional(str(dnsLabel)),
  username: optional(str({ minLength: 1 })),
  password: optional(str({ minLength: 1, expected: "a password or token" })),
  ttl: optional(str(duration)),
});

const notification = object({
  name: str(dnsLabel),
  url: str(httpsUrl),
  timeout: withDefault(str(duration), "1s"),
  threshold: withDefault(int(1, 100), 5),
  backoff: withDefault(str(duration), "10s"),
  headers: withDefault(mapOf(str(), headerName), {}),
  ignoredMediaTypes: withDefault(listOf(str()), []),
});

const client = object({
  name: str(dnsLabel),
  kind: oneOf(["docker", "k3s", "kind"] as const),
  host: str(hostName),
  user: withDefault(str({ pattern: /^[a-z_][a-z0-9_-]{0,31}$/, expected: "a Unix user name" }), "root"),
  port: withDefault(port, 22),
  privateKey: optional(str(pem("PRIVATE KEY"))),
  nodes: optional(listOf(str({ pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, expected: "a container name" }), { min: 1 })),
  service: optional(oneOf(["k3s", "k3s-agent"] as const)),
  login: optional(str(userName)),
});

/** Default pull-through cache when a stack names none: Docker Hub on 5001. */
export const DEFAULT_MIRRORS = [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001 }];

/** Every top-level key under the `regstack:` namespace. */
export const schema = {
  target: withDefault(oneOf(["docker"] as const), "docker"),
  docker: section({
    hosts: withDefault(listOf(dockerHost, { min: 1 }), () => [{ name: "local", url: LOCAL_DOCKER, sshOpts: [] }]),
  }),
  domain: optional(str(hostName)),
  bindAddress: withDefault(str(ipv4), "127.0.0.1"),
  ports: section({ registry: withDefault(port, 5000), ui: withDefault(port, 5080) }),
  registry: section({
    version: withDefault(oneOf(["3", "2.8"] as const), "3"),
    logLevel: withDefault(oneOf(["error", "warn", "info", "debug"] as const), "info"),
    deleteEnabled: withDefault(bool(), true),
  }),
  ui: section({ enabled: withDefault(bool(), true), title: withDefault(str({ minLength: 1, maxLength: 80 }), "regstack") }),
  redis: section({ enabled: withDefault(bool(), false), maxMemoryMb: withDefault(int(8, 4096, " (MiB)"), 64) }),
  access: section({ bcryptCost: withDefault(int(5, 14), 10), anonymousPull: withDefault(bool(), false) }),
  tls: section({
    mode: optional(oneOf(["off", "internal", "provided", "acme"] as const)),
    email: optional(str(email)),
    names: withDefault(listOf(str(hostName)), []),
    ips: withDefault(listOf(str(ipv4)), []),
    validityHours: optional(int(24, 87600, " hours")),
    earlyRenewalHours: withDefault(int(1, 8760, " hours"), 720),
    caValidityHours: withDefault(int(720, 175200, " hours"), 87600),
    certificate: optional(
      object({
        cert: str(pem("CERTIFICATE")),
        key: str(pem("PRIVATE KEY")),
        ca: optional(str(pem("CERTIFICATE"))),
      }),
    ),
  }),
  edge: section({ routing: withDefault(oneOf(["port", "host"] as const), "port"), httpsPort: withDefault(port, 443) }),
  users: listOf(user, { min: 1 }),
  mirrors: withDefault(listOf(mirror), () => DEFAULT_MIRRORS.map((m) => ({ ...m }))),
  resources: section({
    registry: limits(512, "1"),
    mirror: limits(256, "0.5"),
    ui: limits(64, "0.25"),
    redis: limits(96, "0.25"),
    edge: limits(128, "1"),
  }),
  logs: section({ maxSize: withDefault(str(byteSize), "10m"), maxFiles: withDefault(int(1, 100), 3) }),
  notifications: withDefault(listOf(notification), []),
  clients: withDefault(listOf(client), []),
  data: section({ protect: withDefault(bool(), true), deleteOnDestroy: withDefault(bool(), false) }),
} as const;

export type TopKey = keyof typeof schema;

