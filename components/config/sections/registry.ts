/** The registry itself, its UI and its Redis cache: `regstack:registry`, `regstack:ui`, `regstack:redis`. */
import { bool, int, oneOf, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";

export const registryKeys = {
  registry: section(
    {
      version: withDefault(oneOf(["3", "2.8"] as const), "3", {
        type: '`"3"` or `"2.8"`',
        text: "Distribution's major version (config path, redis and OTEL settings differ).",
      }),
      logLevel: withDefault(oneOf(["error", "warn", "info", "debug"] as const), "info", { type: "`error`/`warn`/`info`/`debug`", text: "Log level of the registry and caches." }),
      deleteEnabled: withDefault(bool(), true, { type: "boolean", text: "Allow manifest/blob deletes (the UI's delete button follows it)." }),
    },
    { type: "object", text: "Registry settings." },
  ),
  ui: section(
    {
      enabled: withDefault(bool(), true, { type: "boolean", text: "Run the UI." }),
      title: withDefault(
        // The UI image pastes the title into index.html with `sed "s~…~$REGISTRY_TITLE~"`, inside an
        // HTML attribute: `&`, `~`, `\` and a line break would break the sed, `"`, `<`, `>` the page,
        // `$` would be expanded by the later substitutions, and braces read as the UI's template expressions.
        str({ minLength: 1, maxLength: 80, pattern: /^[^&~\\"<>${}\x00-\x1f\x7f]+$/, expected: "a title without & ~ \\ \" < > $ { } or control characters" }),
        "regstack",
        { type: "string", text: "Title shown by the UI: 1 to 80 characters, none of `& ~ \\ \" < > $ { }` and no control characters (the UI pastes it into its page with sed)." },
      ),
    },
    { type: "object", text: "The joxit UI." },
  ),
  redis: section(
    {
      enabled: withDefault(bool(), false, { type: "boolean", default: "`false` (on in `dev` and `nas`)", text: "Run Redis and point the registry's blob-descriptor cache at it." }),
      maxMemoryMb: withDefault(int(8, 4096, " (MiB)"), 64, { type: "MiB", text: "`maxmemory` (LRU, no persistence); below `resources.redis.memoryMb`." }),
    },
    { type: "object", text: "Redis blob-descriptor cache." },
  ),
};

export function checkRedis(raw: { redis: { enabled: boolean; maxMemoryMb: number }; resources: { redis: { memoryMb: number } } }, issues: IssueList): void {
  if (raw.redis.enabled && raw.redis.maxMemoryMb >= raw.resources.redis.memoryMb) {
    issues.add(
      "regstack:redis.maxMemoryMb",
      `expected less than the Redis container limit regstack:resources.redis.memoryMb (${raw.resources.redis.memoryMb}), got ${raw.redis.maxMemoryMb}`,
    );
  }
}
