import { evaluateConfig } from "../../offline/run";
import { readStackConfig } from "../../offline/stackConfig";
import { byName, diff, plainInputs } from "../support/resources";
import { keyValue, withKey } from "../support/config";

/** What rewrites the user list: the htpasswd job without the edge, the edge's config job with it. */
const credentialWriter: Record<string, string> = { local: "regstack-users-writer", nas: "regstack-pr4100-edge-writer" };

describe.each(["local", "nas"])("config edits on the %s stack", (stack) => {
  const base = readStackConfig(stack);
  const writer = credentialWriter[stack];

  it("adding a user changes only the credential resources, never the registry container or its data", async () => {
    const users = keyValue<object[]>(base, "users");
    const before = await evaluateConfig(base);
    const after = await evaluateConfig(withKey(base, "users", [...users, { name: "newbie", role: "push" }]));
    const d = diff(before, after);
    expect(d.added).toEqual(["regstack-users-newbie-password", "regstack-users-newbie-salt"]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([writer]);
    expect(plainInputs(byName(after, "regstack-registry-container"))).toEqual(plainInputs(byName(before, "regstack-registry-container")));
    expect(after.outputs.loginCommands).toHaveProperty("newbie");
  });

  it("removing a user likewise touches only credentials", async () => {
    const users = keyValue<{ name: string }[]>(base, "users");
    const before = await evaluateConfig(withKey(base, "users", [...users, { name: "leaver", role: "push" }]));
    const after = await evaluateConfig(base);
    const d = diff(before, after);
    expect(d.removed).toEqual(["regstack-users-leaver-password", "regstack-users-leaver-salt"]);
    expect(d.added).toEqual([]);
    expect(d.changed).toEqual([writer]);
  });

  it("adding a mirror adds exactly that mirror's resources", async () => {
    const before = await evaluateConfig(base);
    const mirrors = (base.values["regstack:mirrors"] ? keyValue<object[]>(base, "mirrors") : [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001 }]);
    const after = await evaluateConfig(withKey(base, "mirrors", [...mirrors, { name: "gcr", upstream: "https://gcr.io", port: 5009 }]));
    const d = diff(before, after);
    expect(d.added).toEqual([
      "regstack-mirror-gcr",
      "regstack-mirror-gcr-container",
      ...(stack === "nas" ? [] : ["regstack-mirror-gcr-data"]),
      "regstack-mirror-gcr-http-secret",
      "regstack-mirror-gcr-prepare",
    ]);
    expect(d.removed).toEqual([]);
    // Behind the edge the new cache's site joins the Caddyfile and its port joins the edge's ports.
    expect(d.changed).toEqual(stack === "nas" ? ["regstack-pr4100-edge-container", "regstack-pr4100-edge-writer"] : []);
    expect((after.outputs.mirrors as Record<string, { url: string }>).gcr.url).toMatch(/:5009$/);
  });
});
