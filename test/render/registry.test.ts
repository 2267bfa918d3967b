import bcrypt from "bcryptjs";
import { parse } from "yaml";
import { registryPaths } from "../../components/render/paths";
import { RegistryConfigInput, renderRegistryConfig } from "../../components/render/registry";
import { bcryptHash } from "../../components/render/bcrypt";
import { renderRedisAuth, renderRedisConfig } from "../../components/render/redis";

const base: RegistryConfigInput = {
  version: "3",
  instance: "registry",
  logLevel: "info",
  deleteEnabled: true,
  notifications: [],
  listen: { api: "", debug: "" },
};

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const render = (input: Partial<RegistryConfigInput>): Config => parse(renderRegistryConfig({ ...base, ...input })) as Config;

describe("registry config.yml", () => {
  it("parses back with filesystem storage, deletes, debug metrics and the storage health check, and no auth or secret", () => {
    const c = render({});
    expect(c.version).toBe(0.1);
    expect(c.storage.filesystem.rootdirectory).toBe(registryPaths.dataDir);
    expect(c.storage.delete.enabled).toBe(true);
    expect(c.http.secret).toBeUndefined();
    expect(c.auth).toBeUndefined();
    expect(c.http.relativeurls).toBe(true);
    expect(c.http.addr).toBe(":5000");
    expect(c.http.debug).toEqual({ addr: ":5001", prometheus: { enabled: true, path: "/metrics" } });
    expect(c.health.storagedriver).toEqual({ enabled: true, interval: "10s", threshold: 3 });
  });

  it("binds each listener to the host it is given, every interface when none", () => {
    const c = render({ listen: { api: "registry", debug: "scrape-registry" } });
    expect(c.http.addr).toBe("registry:5000");
    expect(c.http.debug.addr).toBe("scrape-registry:5001");
  });

  it("grants no CORS: the UI proxies /v2 itself, so no browser origin may call the registry", () => {
    expect(render({}).http.headers).toEqual({ "X-Content-Type-Options": ["nosniff"] });
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
    // No in-memory cache: GC and restore change storage under a running registry.
    expect(render({}).storage.cache).toBeUndefined();
    expect(render({}).redis).toBeUndefined();
  });

  it("keeps the config path per major version", () => {
    expect(registryPaths.configFile("3")).toBe("/etc/distribution/config.yml");
    expect(registryPaths.configFile("2.8")).toBe("/etc/docker/registry/config.yml");
  });

  it("renders a pull-through cache with its user (the password comes from env), and ttl only on v3", () => {
    const proxy = { remoteUrl: "https://ghcr.io", username: "bot", ttl: "72h" };
    expect(render({ version: "3", proxy }).proxy).toEqual({ remoteurl: "https://ghcr.io", username: "bot", ttl: "72h" });
    expect(render({ version: "2.8", proxy }).proxy.ttl).toBeUndefined();
  });

  it("names the redis address per major version, without its password", () => {
    expect(render({ version: "3", redis: { address: "redis:6379" } }).redis).toEqual(expect.objectContaining({ addrs: ["redis:6379"] }));
    expect(render({ version: "2.8", redis: { address: "redis:6379" } }).redis).toEqual(expect.objectContaining({ addr: "redis:6379" }));
    for (const version of ["3", "2.8"] as const) expect(render({ version, redis: { address: "redis:6379" } }).redis.password).toBeUndefined();
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

describe("bcrypt hashes", () => {
  it("verify with the password, in the $2y$ form at the configured cost, stable per salt", () => {
    const hash = bcryptHash("ann-password-456", "ABCDEFGHIJKLMNOPQRSTUu", 5);
    expect(hash).toMatch(/^\$2y\$05\$/);
    expect(bcrypt.compareSync("ann-password-456", hash.replace(/^\$2y\$/, "$2b$"))).toBe(true);
    expect(bcrypt.compareSync("wrong", hash.replace(/^\$2y\$/, "$2b$"))).toBe(false);
    expect(bcryptHash("ann-password-456", "ABCDEFGHIJKLMNOPQRSTUu", 5)).toBe(hash);
    expect(bcryptHash("other-password-1", "ABCDEFGHIJKLMNOPQRSTUu", 5)).not.toBe(hash);
    expect(bcryptHash("x", "ABCDEFGHIJKLMNOPQRSTUu", 10)).toMatch(/^\$2y\$10\$/);
  });
});

describe("redis.conf", () => {
  it("is a bounded LRU cache without persistence, its password in the included auth file", () => {
    const conf = renderRedisConfig({ maxMemoryMb: 48 });
    const lines = conf.split("\n");
    expect(lines).toEqual(expect.arrayContaining(["maxmemory 48mb", "maxmemory-policy allkeys-lru", 'save ""', "appendonly no", "include /usr/local/etc/redis/auth.conf"]));
    expect(conf).not.toContain("requirepass");
    expect(renderRedisAuth("pw123")).toBe("requirepass pw123\n");
  });
});
