import bcrypt from "bcryptjs";
import { parse } from "yaml";
import { registryPaths } from "../../components/render/paths";
import { RegistryConfigInput, renderRegistryConfig } from "../../components/render/registry";
import { renderHtpasswd } from "../../components/render/htpasswd";
import { renderRedisConfig } from "../../components/render/redis";

const base: RegistryConfigInput = {
  version: "3",
  instance: "registry",
  logLevel: "info",
  httpSecret: "s3cr3t-http",
  deleteEnabled: true,
  htpasswd: { realm: "regstack", path: "/auth/htpasswd" },
  corsOrigins: ["http://localhost:5080"],
  notifications: [],
};

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const render = (input: Partial<RegistryConfigInput>): Config => parse(renderRegistryConfig({ ...base, ...input })) as Config;

describe("registry config.yml", () => {
  it("parses back with filesystem storage, deletes, http.secret, debug metrics and the storage health check", () => {
    const c = render({});
    expect(c.version).toBe(0.1);
    expect(c.storage.filesystem.rootdirectory).toBe(registryPaths.dataDir);
    expect(c.storage.delete.enabled).toBe(true);
    expect(c.http.secret).toBe("s3cr3t-http");
    expect(c.http.addr).toBe(":5000");
    expect(c.http.debug).toEqual({ addr: ":5001", prometheus: { enabled: true, path: "/metrics" } });
    expect(c.health.storagedriver).toEqual({ enabled: true, interval: "10s", threshold: 3 });
    expect(c.auth.htpasswd).toEqual({ realm: "regstack", path: "/auth/htpasswd" });
  });

  it("sends CORS headers that let the UI read digests and delete", () => {
    const h = render({}).http.headers;
    expect(h["Access-Control-Allow-Origin"]).toEqual(["http://localhost:5080"]);
    expect(h["Access-Control-Allow-Methods"]).toEqual(expect.arrayContaining(["GET", "HEAD", "DELETE", "OPTIONS"]));
    expect(h["Access-Control-Expose-Headers"]).toEqual(["Docker-Content-Digest"]);
    expect(h["Access-Control-Allow-Headers"]).toContain("Authorization");
    expect(render({ corsOrigins: [] }).http.headers["Access-Control-Allow-Origin"]).toBeUndefined();
  });

  it("v3 writes go-redis options (addrs); 2.8 writes addr and pool", () => {
    const redis = { address: "redis:6379", password: "pw" };
    const v3 = render({ version: "3", redis }).redis;
    expect(v3.addrs).toEqual(["redis:6379"]);
    expect(v3.addr).toBeUndefined();
    expect(v3.pool).toBeUndefined();
    const v28 = render({ version: "2.8", redis }).redis;
    expect(v28.addr).toBe("redis:6379");
    expect(v28.addrs).toBeUndefined();
    expect(v28.pool).toEqual({ maxidle: 16, maxactive: 64, idletimeout: "300s" });
    expect(render({ redis }).storage.cache.blobdescriptor).toBe("redis");
    expect(render({}).storage.cache.blobdescriptor).toBe("inmemory");
    expect(render({}).redis).toBeUndefined();
  });

  it("keeps the config path per major version", () => {
    expect(registryPaths.configFile("3")).toBe("/etc/distribution/config.yml");
    expect(registryPaths.configFile("2.8")).toBe("/etc/docker/registry/config.yml");
  });

  it("renders a pull-through cache with credentials, and ttl only on v3", () => {
    const proxy = { remoteUrl: "https://ghcr.io", username: "bot", password: "tok", ttl: "72h" };
    expect(render({ version: "3", proxy, htpasswd: undefined }).proxy).toEqual({ remoteurl: "https://ghcr.io", username: "bot", password: "tok", ttl: "72h" });
    expect(render({ version: "2.8", proxy }).proxy.ttl).toBeUndefined();
    expect(render({ proxy: { remoteUrl: "https://quay.io" }, htpasswd: undefined }).auth).toBeUndefined();
  });

  it("renders notification endpoints with headers as lists", () => {
    const c = render({
      notifications: [
        { name: "ci", url: "https://ci.lan/hook", timeout: "1s", threshold: 5, backoff: "10s", headers: { "X-Token": "abc" }, ignoredMediaTypes: ["application/octet-stream"] },
      ],
    });
    expect(c.notifications.endpoints).toEqual([
      { name: "ci", url: "https://ci.lan/hook", headers: { "X-Token": ["abc"] }, timeout: "1s", threshold: 5, backoff: "10s", ignoredmediatypes: ["application/octet-stream"] },
    ]);
    expect(render({}).notifications).toBeUndefined();
  });
});

describe("htpasswd", () => {
  const users = [
    { name: "zed", password: "zed-password-123", salt: "abcdefghijklmnopqrstuu" },
    { name: "ann", password: "ann-password-456", salt: "ABCDEFGHIJKLMNOPQRSTUu" },
  ];

  it("writes one bcrypt line per user, sorted, verifiable with the password", () => {
    const lines = renderHtpasswd(users, 5).trimEnd().split("\n");
    expect(lines.map((l) => l.split(":")[0])).toEqual(["ann", "zed"]);
    const [, hash] = lines[0].split(":");
    expect(hash).toMatch(/^\$2y\$05\$/);
    expect(bcrypt.compareSync("ann-password-456", hash.replace(/^\$2y\$/, "$2b$"))).toBe(true);
    expect(bcrypt.compareSync("wrong", hash.replace(/^\$2y\$/, "$2b$"))).toBe(false);
  });

  it("is stable for the same inputs and changes with the password", () => {
    expect(renderHtpasswd(users, 5)).toBe(renderHtpasswd(users, 5));
    expect(renderHtpasswd([{ ...users[0], password: "other-password-1" }], 5)).not.toBe(renderHtpasswd([users[0]], 5));
  });

  it("uses the configured cost", () => {
    expect(renderHtpasswd([users[0]], 10)).toMatch(/^zed:\$2y\$10\$/);
  });
});

describe("redis.conf", () => {
  it("is a bounded LRU cache without persistence, password-protected", () => {
    const conf = renderRedisConfig({ maxMemoryMb: 48, password: "pw123" });
    const lines = conf.split("\n");
    expect(lines).toEqual(expect.arrayContaining(["maxmemory 48mb", "maxmemory-policy allkeys-lru", 'save ""', "appendonly no", "requirepass pw123"]));
  });
});
